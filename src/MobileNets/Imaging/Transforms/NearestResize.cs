namespace MobileNets.Imaging.Transforms;

/// <summary>
/// PIL's NEAREST resize: Image.resize hands it to an affine transform (_imaging.c _resize), which
/// Geometry.c ImagingScaleAffine evaluates by stepping a double source coordinate from
/// <c>scale * 0.5</c> by <c>scale</c> and truncating. The accumulation is reproduced step by step
/// so rounding at exact pixel boundaries matches.
/// </summary>
internal static class NearestResize
{
    public static RgbImage Resize(RgbImage src, int width, int height)
    {
        if (width == src.Width && height == src.Height) return new RgbImage(width, height, (byte[])src.Pixels.Clone());
        double ax = (double)src.Width / width, ay = (double)src.Height / height;
        var xin = new int[width];
        double xo = ax * 0.5;
        for (int x = 0; x < width; x++, xo += ax) xin[x] = Math.Min((int)xo, src.Width - 1);
        var dst = new RgbImage(width, height);
        double yo = ay * 0.5;
        for (int y = 0; y < height; y++, yo += ay)
        {
            ReadOnlySpan<byte> i = src.Row(Math.Min((int)yo, src.Height - 1));
            Span<byte> o = dst.Row(y);
            for (int x = 0; x < width; x++)
            {
                int s = 3 * xin[x];
                o[3 * x] = i[s];
                o[3 * x + 1] = i[s + 1];
                o[3 * x + 2] = i[s + 2];
            }
        }
        return dst;
    }
}
