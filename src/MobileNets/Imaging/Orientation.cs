namespace MobileNets.Imaging;

/// <summary>
/// Applies an EXIF Orientation value (tag 0x0112) the way PIL's <c>ImageOps.exif_transpose</c> does:
/// 2 = mirror, 3 = rotate 180, 4 = flip, 5 = transpose, 6 = rotate 90 clockwise,
/// 7 = transverse, 8 = rotate 90 counter-clockwise. Other values leave the image unchanged.
/// </summary>
internal static class Orientation
{
    public static RgbImage Apply(RgbImage src, int orientation)
    {
        if (orientation < 2 || orientation > 8) return src;
        int w = src.Width, h = src.Height;
        bool swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        var dst = new RgbImage(ow, oh);
        byte[] s = src.Pixels, d = dst.Pixels;
        for (int y = 0; y < oh; y++)
        {
            for (int x = 0; x < ow; x++)
            {
                // (sx, sy): the source pixel that lands at output (x, y).
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x), // 8
                };
                int si = (sy * w + sx) * 3, di = (y * ow + x) * 3;
                d[di] = s[si];
                d[di + 1] = s[si + 1];
                d[di + 2] = s[si + 2];
            }
        }
        return dst;
    }
}
