namespace MobileNets.Kernels;

/// <summary>
/// torch <c>F.interpolate(mode="bilinear", align_corners=False)</c> with an explicit output size,
/// on one NHWC map. Index and weight arithmetic follow ATen's <c>UpSample.h</c>
/// (<c>area_pixel_compute_scale</c>, <c>area_pixel_compute_source_index</c>,
/// <c>compute_source_index_and_lambda</c>): scale = in / out in float, source = scale * (dst + 0.5) - 0.5
/// clamped at 0, the second tap clamped to the last row/column, each row interpolated along the
/// width first. Probing torch 1.13 shows the fractional weight taken from the source index before
/// it is rounded to float, so that is what is reproduced (bit-exact weights on the probes).
/// </summary>
internal static class BilinearResize
{
    /// <summary>One output coordinate's two source taps and their weights.</summary>
    internal readonly record struct Tap(int Index0, int Index1, float Lambda0, float Lambda1);

    public static Tap[] Taps(int inSize, int outSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outSize);
        float scale = (float)inSize / outSize;
        var taps = new Tap[outSize];
        for (int d = 0; d < outSize; d++)
        {
            // The source index stays in double until the fractional part is taken (what torch 1.13's
            // CPU kernel produces: lambda = float(src - floor(src)), src from the float scale).
            double src = Math.Max(scale * (d + 0.5) - 0.5, 0.0);
            int i0 = (int)src;
            int i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
            float l1 = Math.Min(Math.Max((float)(src - i0), 0f), 1f);
            taps[d] = new Tap(i0, i1, 1f - l1, l1);
        }
        return taps;
    }

    /// <summary>Resizes <paramref name="x"/> (inHeight x inWidth x channels) into <paramref name="y"/> (outHeight x outWidth x channels).</summary>
    public static void Run(ReadOnlySpan<float> x, int inHeight, int inWidth, int channels, Span<float> y, int outHeight, int outWidth)
    {
        if (x.Length < inHeight * inWidth * channels) throw new ArgumentException("input map too small", nameof(x));
        if (y.Length < outHeight * outWidth * channels) throw new ArgumentException("output map too small", nameof(y));
        var rows = Taps(inHeight, outHeight);
        var cols = Taps(inWidth, outWidth);
        int inRow = inWidth * channels;
        for (int oy = 0; oy < outHeight; oy++)
        {
            var r = rows[oy];
            var top = x.Slice(r.Index0 * inRow, inRow);
            var bottom = x.Slice(r.Index1 * inRow, inRow);
            var outRow = y.Slice(oy * outWidth * channels, outWidth * channels);
            for (int ox = 0; ox < outWidth; ox++)
            {
                var c = cols[ox];
                int a = c.Index0 * channels, b = c.Index1 * channels, o = ox * channels;
                for (int ch = 0; ch < channels; ch++)
                {
                    // ATen's separable order: interpolate along the width within each source row, then between rows.
                    float t = c.Lambda0 * top[a + ch] + c.Lambda1 * top[b + ch];
                    float u = c.Lambda0 * bottom[a + ch] + c.Lambda1 * bottom[b + ch];
                    outRow[o + ch] = r.Lambda0 * t + r.Lambda1 * u;
                }
            }
        }
    }
}
