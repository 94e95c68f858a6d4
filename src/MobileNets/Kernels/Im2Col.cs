using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MobileNets.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// Gathers the receptive fields of a run of output pixels into GEMM rows ordered (ky, kx, ci),
/// zeros where a tap falls in the padding: full and grouped convolutions then run as GEMM.
/// </summary>
internal static class Im2Col
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Gather(ReadOnlySpan<float> x, FeatureShape s, ConvGeometry g, int channelStart, int channels,
        int firstPixel, int pixelCount, Span<float> rows)
    {
        int k = g.Kernel, d = g.Dilation, rowLength = k * k * channels;
        if (pixelCount <= 0) return;
        if ((long)pixelCount * rowLength > rows.Length || channelStart + channels > s.Channels || x.Length < s.Size
            || firstPixel < 0 || firstPixel + pixelCount > g.OutHeight * g.OutWidth)
            throw new ArgumentException("im2col buffers or pixel range out of bounds");
        // Undilated taps of one kernel row over all channels are one contiguous run of the input.
        bool runs = d == 1 && channels == s.Channels;
        int oy = firstPixel / g.OutWidth, ox = firstPixel - oy * g.OutWidth;
        fixed (float* px = x, pr = rows)
        {
            float* row = pr;
            for (int p = 0; p < pixelCount; p++, row += rowLength)
            {
                int iy0 = oy * g.Stride - g.PadTop, ix0 = ox * g.Stride - g.PadLeft;
                var (kxBegin, kxEnd) = DirectConv.TapRange(ix0, s.Width, k, d);
                for (int ky = 0; ky < k; ky++)
                {
                    int iy = iy0 + ky * d;
                    float* dst = row + ky * k * channels;
                    if ((uint)iy >= (uint)s.Height || kxEnd <= kxBegin)
                    {
                        Clear(dst, k * channels);
                        continue;
                    }
                    float* src = px + ((long)iy * s.Width + ix0) * s.Channels + channelStart;
                    Clear(dst, kxBegin * channels);
                    if (runs)
                        Copy(src + kxBegin * channels, dst + kxBegin * channels, (kxEnd - kxBegin) * channels);
                    else
                        for (int kx = kxBegin; kx < kxEnd; kx++)
                            Copy(src + (long)kx * d * s.Channels, dst + kx * channels, channels);
                    Clear(dst + kxEnd * channels, (k - kxEnd) * channels);
                }
                if (++ox == g.OutWidth) { ox = 0; oy++; }
            }
        }
    }

    /// <summary>Inline vector copy: runs here are a few dozen to a few hundred floats, too short for a memmove call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Copy(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) Vector512.Store(Vector512.Load(src + i), dst + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Clear(float* dst, int n)
    {
        for (int i = 0; i < n; i++) dst[i] = 0f;
    }
}
