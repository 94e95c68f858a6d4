using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Depthwise 2-D convolution on unsigned NHWC activations with int32 accumulation and fp32
/// requantization. Like XNNPACK's indirection buffer, taps that fall in the padding read a row
/// filled with the input zero point, which contributes (zx - zx)·w = 0, so every output pixel runs
/// the same tap pairs. The SIMD path handles 8 channels per step: pairs of taps interleaved to
/// 16-bit and multiplied-added with vpdpwssd (AVX-VNNI) or pmaddwd (AVX2). Inputs need 8 readable
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
        ReadOnlySpan<byte> input, Span<byte> output, QuantizedGemm.Path path = QuantizedGemm.Path.Auto)
    {
        int c = w.Channels;
        if ((long)geo.InputHeight * geo.InputWidth * c > input.Length || (long)geo.OutputHeight * geo.OutputWidth * c > output.Length)
            throw new ArgumentException("depthwise buffers are smaller than the geometry");
        if (path == QuantizedGemm.Path.Auto) path = QuantizedGemm.Best;
        int taps = geo.KernelHeight * geo.KernelWidth, slots = w.Pairs * 2;
        var zeroRow = new byte[w.PaddedChannels + 8];
        Array.Fill(zeroRow, (byte)w.InputZeroPoint);
        byte** rows = stackalloc byte*[slots];
        fixed (byte* pin = input, pout = output, pzero = zeroRow)
        fixed (short* pw = w.PairedWeights)
        fixed (int* pbias = w.Bias)
        fixed (float* pscale = stage.Scale)
        {
            for (int s = taps; s < slots; s++) rows[s] = pzero;
            for (int oy = 0; oy < geo.OutputHeight; oy++)
                for (int ox = 0; ox < geo.OutputWidth; ox++)
                {
                    for (int ky = 0, t = 0; ky < geo.KernelHeight; ky++)
                    {
                        int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                        for (int kx = 0; kx < geo.KernelWidth; kx++, t++)
                        {
                            int ix = ox * geo.StrideWidth - geo.PadLeft + kx * geo.DilationWidth;
                            rows[t] = (uint)iy < (uint)geo.InputHeight && (uint)ix < (uint)geo.InputWidth
                                ? pin + ((long)iy * geo.InputWidth + ix) * c : pzero;
                        }
                    }
                    byte* dst = pout + ((long)oy * geo.OutputWidth + ox) * c;
                    switch (path)
                    {
                        case QuantizedGemm.Path.Vnni when AvxVnni.IsSupported: PixelSimd(w, stage, rows, pw, pbias, pscale, dst, vnni: true); break;
                        case QuantizedGemm.Path.Vnni or QuantizedGemm.Path.Avx2 when Avx2.IsSupported: PixelSimd(w, stage, rows, pw, pbias, pscale, dst, vnni: false); break;
                        default: PixelScalar(w, stage, rows, pbias, pscale, dst); break;
                    }
                }
        }
    }

    static void PixelScalar(DepthwiseWeights w, QuantizedOutputStage stage, byte** rows, int* bias, float* scale, byte* dst)
    {
        int zx = w.InputZeroPoint;
        for (int ch = 0; ch < w.Channels; ch++)
        {
            int acc = bias[ch];
            for (int t = 0; t < w.Taps; t++)
                acc += (rows[t][ch] - zx) * w.Centered[t * w.Channels + ch];
            dst[ch] = Requantization.Fp32(acc, scale[ch], stage.ZeroPoint, stage.Min, stage.Max);
        }
    }

    static void PixelSimd(DepthwiseWeights w, QuantizedOutputStage stage, byte** rows, short* weights, int* bias, float* scale, byte* dst, bool vnni)
    {
        var zx = Vector256.Create((short)w.InputZeroPoint);
        var lo = Vector256.Create((float)(stage.Min - stage.ZeroPoint));
        var hi = Vector256.Create((float)(stage.Max - stage.ZeroPoint));
        var zp = Vector256.Create(stage.ZeroPoint);
        int pairs = w.Pairs, cp = w.PaddedChannels;
        for (int ch = 0; ch < w.Channels; ch += 8)
        {
            var acc = Avx.LoadVector256(bias + ch);
            short* wp = weights + ch * 2;
            for (int p = 0; p < pairs; p++, wp += cp * 2)
            {
                var x0 = Vector128.CreateScalar(*(ulong*)(rows[2 * p] + ch)).AsByte();
                var x1 = Vector128.CreateScalar(*(ulong*)(rows[2 * p + 1] + ch)).AsByte();
                var x = Avx2.Subtract(Avx2.ConvertToVector256Int16(Sse2.UnpackLow(x0, x1)), zx);
                var wv = Avx.LoadVector256(wp);
                acc = vnni ? AvxVnni.MultiplyWideningAndAdd(acc, x, wv) : Avx2.Add(acc, Avx2.MultiplyAddAdjacent(x, wv));
            }
            var f = Avx.Min(Avx.Max(Avx.Multiply(Avx.ConvertToVector256Single(acc), Avx.LoadVector256(scale + ch)), lo), hi);
            var q = Avx2.Add(Avx.ConvertToVector256Int32(f), zp);
            var s = Sse2.PackSignedSaturate(q.GetLower(), q.GetUpper());
            var bytes = Sse2.PackUnsignedSaturate(s, s);
            int n = w.Channels - ch;
            if (n >= 8) *(ulong*)(dst + ch) = bytes.AsUInt64().ToScalar();
            else for (int i = 0; i < n; i++) dst[ch + i] = bytes.GetElement(i);
        }
    }
}
