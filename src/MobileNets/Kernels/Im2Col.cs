using System.Runtime.CompilerServices;
using MobileNets.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// Gathers the receptive fields of a run of output pixels into GEMM rows ordered (ky, kx, ci),
/// zeros where a tap falls in the padding: full and grouped convolutions then run as GEMM.
/// </summary>
internal static class Im2Col
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather(ReadOnlySpan<float> x, FeatureShape s, ConvGeometry g, int channelStart, int channels,
        int firstPixel, int pixelCount, Span<float> rows)
    {
        int k = g.Kernel, rowLength = k * k * channels;
        for (int p = 0; p < pixelCount; p++)
        {
            int pixel = firstPixel + p;
            int oy = pixel / g.OutWidth, ox = pixel % g.OutWidth;
            var row = rows.Slice(p * rowLength, rowLength);
            for (int ky = 0; ky < k; ky++)
            {
                int iy = oy * g.Stride - g.PadTop + ky * g.Dilation;
                for (int kx = 0; kx < k; kx++)
                {
                    int ix = ox * g.Stride - g.PadLeft + kx * g.Dilation;
                    var dst = row.Slice((ky * k + kx) * channels, channels);
                    bool inside = (uint)iy < (uint)s.Height && (uint)ix < (uint)s.Width;
                    if (channels >= 16)
                    {
                        if (inside) x.Slice((iy * s.Width + ix) * s.Channels + channelStart, channels).CopyTo(dst);
                        else dst.Clear();
                    }
                    else
                    {
                        // A stem has 3 channels: a memmove call per tap would cost more than the copy.
                        int src = (iy * s.Width + ix) * s.Channels + channelStart;
                        for (int c = 0; c < channels; c++) dst[c] = inside ? x[src + c] : 0f;
                    }
                }
            }
        }
    }
}
