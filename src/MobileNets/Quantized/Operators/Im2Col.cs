using MobileNets.Kernels.Quantized;

namespace MobileNets.Quantized.Operators;

/// <summary>Gathers convolution patches of NHWC bytes into GEMM rows.</summary>
internal static class Im2Col
{
    /// <summary>
    /// Writes rows for output pixels [first, first + rows): each row is the KH x KW x C patch, taps
    /// outside the input filled with <paramref name="padValue"/> (the input zero point), then zeros
    /// up to <paramref name="rowBytes"/>.
    /// </summary>
    public static void Gather(ReadOnlySpan<byte> input, ConvolutionGeometry geo, int channels, byte padValue,
        int first, int rows, Span<byte> patches, int rowBytes)
    {
        for (int r = 0; r < rows; r++)
        {
            int p = first + r, oy = p / geo.OutputWidth, ox = p % geo.OutputWidth;
            var row = patches.Slice(r * rowBytes, rowBytes);
            int at = 0;
            for (int ky = 0; ky < geo.KernelHeight; ky++)
            {
                int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                for (int kx = 0; kx < geo.KernelWidth; kx++, at += channels)
                {
                    int ix = ox * geo.StrideWidth - geo.PadLeft + kx * geo.DilationWidth;
                    var dst = row.Slice(at, channels);
                    if ((uint)iy < (uint)geo.InputHeight && (uint)ix < (uint)geo.InputWidth)
                        input.Slice((iy * geo.InputWidth + ix) * channels, channels).CopyTo(dst);
                    else dst.Fill(padValue);
                }
            }
            row[at..].Clear();
        }
    }
}
