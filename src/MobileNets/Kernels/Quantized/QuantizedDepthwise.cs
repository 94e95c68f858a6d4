using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Depthwise 2-D convolution on unsigned NHWC activations with int32 accumulation and fp32
/// requantization. Like XNNPACK's indirection buffer, taps that fall in the padding read a row
/// filled with the input zero point, which contributes (zx - zx)·w = 0, so every output pixel runs
/// the same taps through one pixel kernel (<see cref="IDepthwisePixel"/>). Per output row, the
/// interior pixels (all taps inside the input horizontally) reuse the first one's tap pointers plus
/// a byte offset (or, in rows reaching into the vertical padding, whose zero-row taps must not
/// move, advance the others by the stride); border pixels recompute them. Inputs need 16 readable
/// bytes past the last channel of the last pixel.
/// </summary>
internal static unsafe class QuantizedDepthwise
{
    /// <summary>
    /// Repeats each input channel <paramref name="multiplier"/> times (pixel-major), so a depth
    /// multiplier M becomes M = 1: output channel o then reads input channel o / M.
    /// </summary>
    public static void ExpandChannels(ReadOnlySpan<byte> input, int pixels, int channels, int multiplier, Span<byte> output)
    {
        int outC = channels * multiplier;
        for (int p = 0; p < pixels; p++)
        {
            var src = input.Slice(p * channels, channels);
            var dst = output.Slice(p * outC, outC);
            for (int c = 0; c < channels; c++) dst.Slice(c * multiplier, multiplier).Fill(src[c]);
        }
    }

    public static void Run(DepthwiseWeights w, QuantizedOutputStage stage, ConvolutionGeometry geo,
        ReadOnlySpan<byte> input, Span<byte> output, QuantizedGemm.Path path = QuantizedGemm.Path.Auto) =>
        Run(w, stage, geo, input, output, 0, geo.OutputHeight, path);

    /// <summary>
    /// Output rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) only (<paramref name="output"/>
    /// is still the whole map): each pixel is computed alone, so bands give the same bytes as one pass.
    /// </summary>
    public static void Run(DepthwiseWeights w, QuantizedOutputStage stage, ConvolutionGeometry geo,
        ReadOnlySpan<byte> input, Span<byte> output, int firstRow, int endRow, QuantizedGemm.Path path = QuantizedGemm.Path.Auto)
    {
        int c = w.Channels;
        if (firstRow < 0 || endRow > geo.OutputHeight || firstRow > endRow)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"rows [{firstRow}, {endRow}) are not within the {geo.OutputHeight} output rows");
        if ((long)geo.InputHeight * geo.InputWidth * c > input.Length || (long)geo.OutputHeight * geo.OutputWidth * c > output.Length)
            throw new ArgumentException("depthwise buffers are smaller than the geometry");
        if (path == QuantizedGemm.Path.Auto) path = QuantizedGemm.Best;
        if (stage.FixedPoint != null) path = QuantizedGemm.Path.Scalar;
        // The paired kernels read taps two at a time; a lone last tap pairs with the zero row and a zero weight.
        byte** rows = stackalloc byte*[w.Pairs * 2];
        fixed (byte* pin = input, pout = output, pzero = w.ZeroRow)
        fixed (short* pw = w.PairedWeights)
        fixed (float* pscale = stage.Scale)
        fixed (int* pbias = w.Bias, pfolded = w.FoldedBias, pfw = w.WideWeights)
        {
            var walk = new RowWalk(geo, c, pin, pout, pzero, rows, w.Pairs * 2, firstRow, endRow);
            switch (path)
            {
                case QuantizedGemm.Path.Avx512 when DepthwisePixelAvx512.IsSupported:
                    walk.Run(new DepthwisePixelAvx512(w, stage, pfw, pfolded, pscale)); break;
                case QuantizedGemm.Path.Avx512 or QuantizedGemm.Path.Vnni when AvxVnni.IsSupported:
                    walk.Run(new DepthwisePixelPaired<DepthwisePixelPaired.Vnni>(w, stage, pw, pfolded, pscale)); break;
                case QuantizedGemm.Path.Avx512 or QuantizedGemm.Path.Vnni or QuantizedGemm.Path.Avx2 when Avx2.IsSupported:
                    walk.Run(new DepthwisePixelPaired<DepthwisePixelPaired.Avx2>(w, stage, pw, pfolded, pscale)); break;
                case QuantizedGemm.Path.Vector128:
                    fixed (int* centered = w.Centered) walk.Run(new DepthwisePixelVector128(w, stage, centered, pbias)); break;
                default:
                    fixed (int* centered = w.Centered) walk.Run(new DepthwisePixelScalar(w, stage, centered, pbias)); break;
            }
        }
    }

    /// <summary>Visits every output pixel of rows [firstRow, endRow) with its tap pointers set, in row-major order.</summary>
    readonly struct RowWalk(ConvolutionGeometry geo, int channels, byte* input, byte* output, byte* zeroRow, byte** rows, int slots, int firstRow, int endRow)
    {
        public void Run<TPixel>(TPixel kernel) where TPixel : struct, IDepthwisePixel
        {
            int taps = geo.KernelHeight * geo.KernelWidth;
            long* steps = stackalloc long[taps];
            // Interior columns: ox·sw - padLeft ≥ 0 and ox·sw - padLeft + (kw - 1)·dw ≤ width - 1.
            int first = Math.Min(geo.OutputWidth, (geo.PadLeft + geo.StrideWidth - 1) / geo.StrideWidth);
            int last = geo.InputWidth - 1 + geo.PadLeft - (geo.KernelWidth - 1) * geo.DilationWidth;
            int end = last < 0 ? 0 : Math.Min(geo.OutputWidth, last / geo.StrideWidth + 1);
            if (end < first) end = first;
            long step = (long)geo.StrideWidth * channels;
            for (int oy = firstRow; oy < endRow; oy++)
            {
                byte* dst = output + (long)oy * geo.OutputWidth * channels;
                int iy0 = oy * geo.StrideHeight - geo.PadTop;
                bool rowsInside = iy0 >= 0 && iy0 + (geo.KernelHeight - 1) * geo.DilationHeight < geo.InputHeight;
                int ox = 0;
                for (; ox < first; ox++, dst += channels) { SetTaps(oy, ox, steps); kernel.Pixel(rows, 0, dst); }
                if (ox < end)
                {
                    SetTaps(oy, ox, steps);
                    if (rowsInside)
                        for (long offset = 0; ox < end; ox++, dst += channels, offset += step) kernel.Pixel(rows, (nint)offset, dst);
                    else
                        for (; ox < end; ox++, dst += channels)
                        {
                            kernel.Pixel(rows, 0, dst);
                            for (int t = 0; t < taps; t++) rows[t] += steps[t];
                        }
                }
                for (; ox < geo.OutputWidth; ox++, dst += channels) { SetTaps(oy, ox, steps); kernel.Pixel(rows, 0, dst); }
            }
        }

        /// <summary>Points each tap at its input pixel or the zero row; steps[t] is how far it moves per output pixel.</summary>
        void SetTaps(int oy, int ox, long* steps)
        {
            long step = (long)geo.StrideWidth * channels;
            for (int ky = 0, t = 0; ky < geo.KernelHeight; ky++)
            {
                int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                bool rowInside = (uint)iy < (uint)geo.InputHeight;
                byte* rowStart = input + (long)iy * geo.InputWidth * channels;
                for (int kx = 0; kx < geo.KernelWidth; kx++, t++)
                {
                    int ix = ox * geo.StrideWidth - geo.PadLeft + kx * geo.DilationWidth;
                    bool inside = rowInside && (uint)ix < (uint)geo.InputWidth;
                    rows[t] = inside ? rowStart + (long)ix * channels : zeroRow;
                    steps[t] = inside ? step : 0;
                }
            }
            // The paired kernels' slot past an odd tap count meets zero weights: any bytes that stay
            // readable at every offset do, and tap 0's are.
            for (int t = geo.KernelHeight * geo.KernelWidth; t < slots; t++) rows[t] = rows[0];
        }
    }
}

/// <summary>
/// Computes all channels of one output pixel from its tap pointers (one per kernel tap, row-major),
/// each moved by <c>offset</c> bytes.
/// </summary>
internal unsafe interface IDepthwisePixel
{
    void Pixel(byte** taps, nint offset, byte* output);
}
