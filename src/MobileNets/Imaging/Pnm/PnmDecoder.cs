namespace MobileNets.Imaging.Pnm;

/// <summary>
/// Binary Netpbm decoder: P4 (bitmap), P5 (graymap) and P6 (pixmap), maxval 1..65535 (2-byte
/// big-endian samples above 255). As Pillow's PpmImagePlugin, samples with maxval != 255 become
/// <c>min(255, round(v / maxval * 255))</c> (Python round: ties to even).
/// </summary>
/// <remarks>
/// 16-bit P5 deliberately differs from PIL: Pillow opens it as mode "I" and convert('RGB') then
/// clamps to 0..255 (Convert.c i2rgb); we scale to 8 bits like P6.
/// </remarks>
internal static class PnmDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions options)
    {
        char kind = (char)data[1];
        int pos = 2;
        long width = ReadToken(data, ref pos, "width");
        long height = ReadToken(data, ref pos, "height");
        long maxval = kind == '4' ? 1 : ReadToken(data, ref pos, "maxval");
        if (maxval is < 1 or > 65535) throw new ImageFormatException($"PNM: maxval {maxval} outside 1..65535");
        ImageLimits.Check("PNM", width, height, options);
        int w = (int)width, h = (int)height;

        int channels = kind == '6' ? 3 : 1;
        int sampleBytes = maxval > 255 ? 2 : 1;
        long rowBytes = kind == '4' ? (width + 7) / 8 : width * channels * sampleBytes;
        if (rowBytes * height > data.Length - pos)
            throw new ImageFormatException($"PNM: pixel data is truncated ({data.Length - pos} of {rowBytes * height} bytes)");

        // One lookup per possible sample value (at most 65536 entries) keeps the per-pixel work a table read.
        byte[] map = new byte[maxval + 1];
        for (int v = 0; v <= maxval; v++)
            map[v] = maxval == 255 ? (byte)v : (byte)Math.Min(255, Math.Round((double)v / maxval * 255, MidpointRounding.ToEven));

        var image = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> src = data.Slice(pos + (int)(rowBytes * y), (int)rowBytes);
            Span<byte> dst = image.Row(y);
            for (int x = 0; x < w; x++)
            {
                if (kind == '4')
                {
                    // 1 = black (Pillow rawmode "1;I").
                    byte v = ((src[x >> 3] >> (7 - (x & 7))) & 1) != 0 ? (byte)0 : (byte)255;
                    dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = v;
                    continue;
                }
                for (int c = 0; c < channels; c++)
                {
                    int i = (x * channels + c) * sampleBytes;
                    int v = sampleBytes == 1 ? src[i] : (src[i] << 8) | src[i + 1];
                    byte b = v > maxval ? (byte)255 : map[v];
                    if (channels == 3) dst[3 * x + c] = b;
                    else dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = b;
                }
            }
        }
        return image;
    }

    /// <summary>
    /// Reads one decimal header token as Pillow's _read_token: whitespace skipped, '#' comments run to
    /// CR/LF, at most 10 characters, and the single whitespace byte ending the token is consumed.
    /// </summary>
    private static long ReadToken(ReadOnlySpan<byte> d, ref int pos, string name)
    {
        long value = 0;
        int digits = 0;
        while (pos < d.Length)
        {
            byte c = d[pos++];
            if (c == (byte)'#')
            {
                while (pos < d.Length && d[pos] != '\r' && d[pos] != '\n') pos++;
                continue;
            }
            if (c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C)
            {
                if (digits == 0) continue;
                return value;
            }
            if (c is < (byte)'0' or > (byte)'9' || ++digits > 10)
                throw new ImageFormatException($"PNM: invalid {name} in header");
            value = value * 10 + (c - '0');
        }
        throw new ImageFormatException($"PNM: header ends before the {name}");
    }
}
