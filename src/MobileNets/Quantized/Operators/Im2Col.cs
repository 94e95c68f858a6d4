using MobileNets.Kernels.Quantized;

namespace MobileNets.Quantized.Operators;

/// <summary>Gathers convolution patches of NHWC bytes into GEMM rows.</summary>
internal static unsafe class Im2Col
{
    /// <summary>
    /// Writes rows for output pixels [first, first + rows): each row is the KH x KW x C patch, taps
    /// outside the input filled with <paramref name="padValue"/> (the input zero point), then zeros
    /// up to <paramref name="rowBytes"/>.
    /// </summary>
    public static void Gather(ReadOnlySpan<byte> input, ConvolutionGeometry geo, int channels, byte padValue,
        int first, int rows, Span<byte> patches, int rowBytes)
    {
        if ((long)geo.InputHeight * geo.InputWidth * channels > input.Length || (long)rows * rowBytes > patches.Length
            || (long)geo.KernelHeight * geo.KernelWidth * channels > rowBytes)
            throw new ArgumentException("im2col buffers are smaller than the geometry");
        fixed (byte* src = input, dstBase = patches)
            for (int r = 0; r < rows; r++)
            {
                int p = first + r, oy = p / geo.OutputWidth, ox = p % geo.OutputWidth;
                byte* dst = dstBase + (long)r * rowBytes;
                for (int ky = 0; ky < geo.KernelHeight; ky++)
                {
                    int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                    for (int kx = 0; kx < geo.KernelWidth; kx++, dst += channels)
                    {
                        int ix = ox * geo.StrideWidth - geo.PadLeft + kx * geo.DilationWidth;
                        if ((uint)iy < (uint)geo.InputHeight && (uint)ix < (uint)geo.InputWidth)
                        {
                            byte* s = src + ((long)iy * geo.InputWidth + ix) * channels;
                            if (channels <= 4) for (int c = 0; c < channels; c++) dst[c] = s[c];
                            else Buffer.MemoryCopy(s, dst, channels, channels);
                        }
                        else new Span<byte>(dst, channels).Fill(padValue);
                    }
                }
                byte* end = dstBase + (long)(r + 1) * rowBytes;
                while (dst < end) *dst++ = 0;
            }
    }
}
