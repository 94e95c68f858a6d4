using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MobileNets.Kernels.Quantized;

namespace MobileNets.Quantized.Operators;

/// <summary>Gathers convolution patches of NHWC bytes into GEMM rows.</summary>
internal static unsafe class Im2Col
{
    /// <summary>
    /// Writes rows for output pixels [first, first + rows): each row is the KH x KW x C patch, taps
    /// outside the input filled with <paramref name="padValue"/> (the input zero point), then zeros
    /// up to <paramref name="rowBytes"/>. A kernel row lying inside the input with dilation 1 is one
    /// contiguous run of KW·C bytes, copied at once.
    /// </summary>
    public static void Gather(ReadOnlySpan<byte> input, ConvolutionGeometry geo, int channels, byte padValue,
        int first, int rows, Span<byte> patches, int rowBytes)
    {
        if ((long)geo.InputHeight * geo.InputWidth * channels > input.Length || (long)rows * rowBytes > patches.Length
            || (long)geo.KernelHeight * geo.KernelWidth * channels > rowBytes)
            throw new ArgumentException("im2col buffers are smaller than the geometry");
        int runBytes = geo.KernelWidth * channels;
        int reach = (geo.KernelWidth - 1) * geo.DilationWidth;
        fixed (byte* src = input, dstBase = patches)
        {
            var bounds = new Bounds(src + input.Length, dstBase + (long)rows * rowBytes);
            for (int r = 0; r < rows; r++)
            {
                int p = first + r, oy = p / geo.OutputWidth, ox = p % geo.OutputWidth;
                byte* dst = dstBase + (long)r * rowBytes;
                int ix0 = ox * geo.StrideWidth - geo.PadLeft;
                bool columnsInside = geo.DilationWidth == 1 && ix0 >= 0 && ix0 + reach < geo.InputWidth;
                for (int ky = 0; ky < geo.KernelHeight; ky++)
                {
                    int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                    byte* rowStart = src + (long)iy * geo.InputWidth * channels;
                    if (columnsInside && (uint)iy < (uint)geo.InputHeight)
                    {
                        bounds.Copy(dst, rowStart + (long)ix0 * channels, runBytes);
                        dst += runBytes;
                        continue;
                    }
                    for (int kx = 0; kx < geo.KernelWidth; kx++, dst += channels)
                    {
                        int ix = ix0 + kx * geo.DilationWidth;
                        if ((uint)iy < (uint)geo.InputHeight && (uint)ix < (uint)geo.InputWidth) bounds.Copy(dst, rowStart + (long)ix * channels, channels);
                        else new Span<byte>(dst, channels).Fill(padValue);
                    }
                }
                // After the copies: a 16-byte copy may have run past the patch into these bytes.
                byte* end = dstBase + (long)(r + 1) * rowBytes;
                while (dst < end) *dst++ = 0;
            }
        }
    }

    /// <summary>
    /// Copies short runs with one 16-byte move where both buffers have the room. The bytes it writes
    /// past the run belong to later taps or rows of the same gather, which are written afterwards.
    /// </summary>
    readonly struct Bounds(byte* srcEnd, byte* dstEnd)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Copy(byte* dst, byte* s, int n)
        {
            if (n <= 16 && s + 16 <= srcEnd && dst + 16 <= dstEnd) Vector128.Store(Vector128.Load(s), dst);
            else Buffer.MemoryCopy(s, dst, n, n);
        }
    }
}
