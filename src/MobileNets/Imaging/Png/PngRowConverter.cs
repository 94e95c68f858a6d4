namespace MobileNets.Imaging.Png;

/// <summary>
/// Converts raw PNG scanlines to RGB24 as PIL's <c>convert('RGB')</c> does: alpha and tRNS are dropped,
/// 1/2/4-bit gray is scaled by 255/85/17, 16-bit samples keep their high byte (PIL's "RGB;16B",
/// "LA;16B", "RGBA;16B" unpackers). Palette indices past the PLTE entries map to gray (i, i, i),
/// the value Pillow's ImagingPaletteNew (Palette.c) leaves in unused palette slots.
/// </summary>
/// <remarks>
/// 16-bit grayscale deliberately differs from PIL: Pillow opens it as mode "I" and its I->RGB
/// conversion (Convert.c i2rgb) clamps to 0..255, which turns nearly every pixel white. We keep the
/// high byte, consistent with the other 16-bit colour types.
/// </remarks>
internal sealed class PngRowConverter
{
    private readonly PngHeader _h;
    private readonly byte[] _palette = new byte[256 * 3];

    public PngRowConverter(PngHeader header, ReadOnlySpan<byte> plte)
    {
        _h = header;
        for (int i = 0; i < 256; i++) _palette[3 * i] = _palette[3 * i + 1] = _palette[3 * i + 2] = (byte)i;
        plte[..Math.Min(plte.Length, 768)].CopyTo(_palette);
    }

    /// <summary>Writes <paramref name="count"/> pixels of <paramref name="raw"/> to <paramref name="dst"/> at every <paramref name="step"/>-th pixel.</summary>
    public void Convert(ReadOnlySpan<byte> raw, int count, Span<byte> dst, int firstX, int step)
    {
        int depth = _h.BitDepth;
        int d = firstX * 3, dstep = step * 3;
        switch (_h.ColorType)
        {
            case 0 when depth < 8:
            {
                int scale = depth == 1 ? 255 : depth == 2 ? 85 : 17;
                for (int i = 0; i < count; i++, d += dstep)
                {
                    byte v = (byte)(Sample(raw, i, depth) * scale);
                    dst[d] = dst[d + 1] = dst[d + 2] = v;
                }
                break;
            }
            case 0:
            {
                int bytes = depth / 8;
                for (int i = 0; i < count; i++, d += dstep)
                    dst[d] = dst[d + 1] = dst[d + 2] = raw[i * bytes];
                break;
            }
            case 3:
                for (int i = 0; i < count; i++, d += dstep)
                {
                    int p = (depth == 8 ? raw[i] : Sample(raw, i, depth)) * 3;
                    dst[d] = _palette[p];
                    dst[d + 1] = _palette[p + 1];
                    dst[d + 2] = _palette[p + 2];
                }
                break;
            case 4:
            {
                int bytes = depth / 8 * 2;
                for (int i = 0; i < count; i++, d += dstep)
                    dst[d] = dst[d + 1] = dst[d + 2] = raw[i * bytes];
                break;
            }
            default: // 2 (RGB) and 6 (RGBA): high bytes of the first three samples
            {
                int sb = depth / 8, bytes = sb * _h.Channels;
                for (int i = 0, s = 0; i < count; i++, d += dstep, s += bytes)
                {
                    dst[d] = raw[s];
                    dst[d + 1] = raw[s + sb];
                    dst[d + 2] = raw[s + 2 * sb];
                }
                break;
            }
        }
    }

    /// <summary>Sample <paramref name="i"/> of a packed sub-byte row, most significant bits first.</summary>
    private static int Sample(ReadOnlySpan<byte> raw, int i, int depth)
    {
        int bit = i * depth;
        return (raw[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    }
}
