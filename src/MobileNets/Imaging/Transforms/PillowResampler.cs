namespace MobileNets.Imaging.Transforms;

/// <summary>
/// Pillow's separable convolution resize (libImaging/Resample.c, Pillow 9.x) on 8-bit RGB:
/// per output sample a filter centred at <c>(x + 0.5) * scale</c> whose support is scaled by the
/// downscale factor (that is the antialiasing), weights normalised to sum 1, converted to 22-bit
/// fixed point (normalize_coeffs_8bpc) and accumulated in integers with clip8 rounding.
/// Horizontal pass first, over only the source rows the vertical pass needs, then vertical.
/// Results are bit-identical to PIL's uint8 output.
/// </summary>
internal static class PillowResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    private static double Bilinear(double x)
    {
        if (x < 0.0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5; // Resample.c bicubic_filter
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>Fixed-point weights of one axis: output i reads Count[i] inputs from First[i] with weights K[i * KSize ..].</summary>
    private sealed record Coeffs(int KSize, int[] First, int[] Count, int[] K);

    /// <summary>Resample.c precompute_coeffs + normalize_coeffs_8bpc for the box [0, inSize).</summary>
    private static Coeffs Precompute(int inSize, int outSize, ResizeInterpolation filter)
    {
        Func<double, double> f = filter == ResizeInterpolation.Bicubic ? Bicubic : Bilinear;
        double baseSupport = filter == ResizeInterpolation.Bicubic ? 2.0 : 1.0;
        double scale = (double)inSize / outSize;
        double filterscale = Math.Max(scale, 1.0);
        double support = baseSupport * filterscale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var first = new int[outSize];
        var count = new int[outSize];
        var k = new int[outSize * ksize];
        var w = new double[ksize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterscale, ww = 0.0;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                w[x] = f((x + xmin - center + 0.5) * ss);
                ww += w[x];
            }
            for (int x = 0; x < xmax; x++)
            {
                double v = ww != 0.0 ? w[x] / ww : w[x];
                k[xx * ksize + x] = v < 0 ? (int)(-0.5 + v * (1 << PrecisionBits)) : (int)(0.5 + v * (1 << PrecisionBits));
            }
            first[xx] = xmin;
            count[xx] = Math.Max(xmax, 0);
        }
        return new Coeffs(ksize, first, count, k);
    }

    private static byte Clip8(int v)
    {
        if (v >= 1 << PrecisionBits << 8) return 255;
        if (v <= 0) return 0;
        return (byte)(v >> PrecisionBits);
    }

    public static RgbImage Resize(RgbImage src, int width, int height, ResizeInterpolation filter)
    {
        if (width == src.Width && height == src.Height) return new RgbImage(width, height, (byte[])src.Pixels.Clone());
        Coeffs? horiz = width != src.Width ? Precompute(src.Width, width, filter) : null;
        Coeffs? vert = height != src.Height ? Precompute(src.Height, height, filter) : null;

        RgbImage cur = src;
        int rowOffset = 0;
        if (horiz is not null)
        {
            // Only the source rows the vertical pass reads (Resample.c ybox_first / ybox_last).
            int yFirst = 0, yLast = src.Height;
            if (vert is not null)
            {
                yFirst = vert.First[0];
                yLast = vert.First[height - 1] + vert.Count[height - 1];
            }
            var tmp = new RgbImage(width, yLast - yFirst);
            Horizontal(src, tmp, yFirst, horiz);
            cur = tmp;
            rowOffset = yFirst;
        }
        if (vert is null) return cur;
        var dst = new RgbImage(width, height);
        Vertical(cur, dst, rowOffset, vert);
        return dst;
    }

    private static void Horizontal(RgbImage src, RgbImage dst, int yOffset, Coeffs c)
    {
        const int half = 1 << (PrecisionBits - 1);
        for (int y = 0; y < dst.Height; y++)
        {
            ReadOnlySpan<byte> i = src.Row(y + yOffset);
            Span<byte> o = dst.Row(y);
            for (int xx = 0; xx < dst.Width; xx++)
            {
                ReadOnlySpan<int> k = c.K.AsSpan(xx * c.KSize, c.Count[xx]);
                ReadOnlySpan<byte> p = i.Slice(c.First[xx] * 3, k.Length * 3);
                int s0 = half, s1 = half, s2 = half;
                for (int x = 0; x < k.Length; x++)
                {
                    int kv = k[x];
                    s0 += p[3 * x] * kv;
                    s1 += p[3 * x + 1] * kv;
                    s2 += p[3 * x + 2] * kv;
                }
                o[3 * xx] = Clip8(s0);
                o[3 * xx + 1] = Clip8(s1);
                o[3 * xx + 2] = Clip8(s2);
            }
        }
    }

    private static void Vertical(RgbImage src, RgbImage dst, int rowOffset, Coeffs c)
    {
        const int half = 1 << (PrecisionBits - 1);
        int rowBytes = dst.Width * 3;
        var acc = new int[rowBytes];
        byte[] s = src.Pixels;
        for (int yy = 0; yy < dst.Height; yy++)
        {
            Array.Fill(acc, half);
            int y0 = c.First[yy] - rowOffset;
            ReadOnlySpan<int> k = c.K.AsSpan(yy * c.KSize, c.Count[yy]);
            for (int y = 0; y < k.Length; y++)
            {
                int kv = k[y];
                ReadOnlySpan<byte> row = s.AsSpan((y0 + y) * rowBytes, rowBytes);
                for (int x = 0; x < rowBytes; x++) acc[x] += row[x] * kv;
            }
            Span<byte> o = dst.Row(yy);
            for (int x = 0; x < rowBytes; x++) o[x] = Clip8(acc[x]);
        }
    }
}
