namespace MobileNets.Imaging.Jpeg;

/// <summary>
/// Chroma upsampling as libjpeg-turbo's jdsample.c selects it with its defaults (do_fancy_upsampling
/// = TRUE, which PIL leaves on, and which rules out the merged jdmerge.c path):
/// h2v1 and h2v2 "fancy" triangle filters when the downsampled width is above 2, h1v2 fancy for
/// 4:4:0, and plain replication (int_upsample / h2v1_upsample / h2v2_upsample) otherwise, e.g. 4:1:1.
/// Edges replicate the last real sample row/column of the downsampled component, as jdmainct.c's
/// context-row pointers do.
/// </summary>
internal static class JpegUpsampler
{
    /// <summary>A sample plane: <c>Data[y * Stride + x]</c>.</summary>
    public readonly record struct Plane(byte[] Data, int Stride);

    /// <param name="src">Downsampled samples (IDCT output).</param>
    /// <param name="dw">Real width of <paramref name="src"/> (downsampled_width).</param>
    /// <param name="dh">Real height of <paramref name="src"/> (downsampled_height).</param>
    /// <param name="fx">Horizontal factor max_h_samp / h_samp.</param>
    /// <param name="fy">Vertical factor max_v_samp / v_samp.</param>
    /// <param name="width">Output width wanted.</param>
    /// <param name="height">Output height wanted.</param>
    public static Plane Upsample(Plane src, int dw, int dh, int fx, int fy, int width, int height)
    {
        if (fx == 1 && fy == 1) return src;
        if (fx == 2 && fy == 1 && dw > 2) return H2V1Fancy(src, dw, height);
        if (fx == 1 && fy == 2) return H1V2Fancy(src, dw, dh, height);
        if (fx == 2 && fy == 2 && dw > 2) return H2V2Fancy(src, dw, dh, height);
        return Replicate(src, fx, fy, width, height);
    }

    // jdsample.c h2v1_fancy_upsample: each output pair is 3/4 nearer + 1/4 further input sample,
    // rounding biased alternately (+1 / +2) to avoid a systematic drift.
    private static Plane H2V1Fancy(Plane src, int dw, int height)
    {
        int stride = 2 * dw;
        var dst = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> i = src.Data.AsSpan(y * src.Stride, dw);
            Span<byte> o = dst.AsSpan(y * stride, stride);
            o[0] = i[0];
            o[1] = (byte)((i[0] * 3 + i[1] + 2) >> 2);
            for (int x = 1; x < dw - 1; x++)
            {
                int v = i[x] * 3;
                o[2 * x] = (byte)((v + i[x - 1] + 1) >> 2);
                o[2 * x + 1] = (byte)((v + i[x + 1] + 2) >> 2);
            }
            o[2 * dw - 2] = (byte)((i[dw - 1] * 3 + i[dw - 2] + 1) >> 2);
            o[2 * dw - 1] = i[dw - 1];
        }
        return new Plane(dst, stride);
    }

    // jdsample.c h1v2_fancy_upsample (libjpeg-turbo 2.0+): vertical triangle filter, bias 1 for the
    // upper output row and 2 for the lower one.
    private static Plane H1V2Fancy(Plane src, int dw, int dh, int height)
    {
        var dst = new byte[dw * height];
        for (int y = 0; y < height; y++)
        {
            int r = Math.Min(y >> 1, dh - 1);
            bool upper = (y & 1) == 0;
            int nb = upper ? Math.Max(r - 1, 0) : Math.Min(r + 1, dh - 1);
            int bias = upper ? 1 : 2;
            ReadOnlySpan<byte> i0 = src.Data.AsSpan(r * src.Stride, dw), i1 = src.Data.AsSpan(nb * src.Stride, dw);
            Span<byte> o = dst.AsSpan(y * dw, dw);
            for (int x = 0; x < dw; x++) o[x] = (byte)((i0[x] * 3 + i1[x] + bias) >> 2);
        }
        return new Plane(dst, dw);
    }

    // jdsample.c h2v2_fancy_upsample: vertical 3:1 column sums first, then the horizontal 3:1 filter
    // on the sums, /16 with alternating +8 / +7 rounding.
    private static Plane H2V2Fancy(Plane src, int dw, int dh, int height)
    {
        int stride = 2 * dw;
        var dst = new byte[stride * height];
        Span<int> sums = dw <= 4096 ? stackalloc int[dw] : new int[dw];
        for (int y = 0; y < height; y++)
        {
            int r = Math.Min(y >> 1, dh - 1);
            int nb = (y & 1) == 0 ? Math.Max(r - 1, 0) : Math.Min(r + 1, dh - 1);
            ReadOnlySpan<byte> i0 = src.Data.AsSpan(r * src.Stride, dw), i1 = src.Data.AsSpan(nb * src.Stride, dw);
            for (int x = 0; x < dw; x++) sums[x] = i0[x] * 3 + i1[x];
            Span<byte> o = dst.AsSpan(y * stride, stride);
            o[0] = (byte)((sums[0] * 4 + 8) >> 4);
            o[1] = (byte)((sums[0] * 3 + sums[1] + 7) >> 4);
            for (int x = 1; x < dw - 1; x++)
            {
                int t = sums[x] * 3;
                o[2 * x] = (byte)((t + sums[x - 1] + 8) >> 4);
                o[2 * x + 1] = (byte)((t + sums[x + 1] + 7) >> 4);
            }
            o[2 * dw - 2] = (byte)((sums[dw - 1] * 3 + sums[dw - 2] + 8) >> 4);
            o[2 * dw - 1] = (byte)((sums[dw - 1] * 4 + 7) >> 4);
        }
        return new Plane(dst, stride);
    }

    // jdsample.c int_upsample (and h2v1_upsample / h2v2_upsample): each input sample fills an fx x fy box.
    private static Plane Replicate(Plane src, int fx, int fy, int width, int height)
    {
        var dst = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> i = src.Data.AsSpan((y / fy) * src.Stride);
            Span<byte> o = dst.AsSpan(y * width, width);
            for (int x = 0; x < width; x++) o[x] = i[x / fx];
        }
        return new Plane(dst, width);
    }
}
