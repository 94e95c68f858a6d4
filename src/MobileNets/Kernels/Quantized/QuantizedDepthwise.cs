using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Depthwise 2-D convolution on unsigned NHWC activations with int32 accumulation and fp32
/// requantization. Taps that fall in the padding are skipped: XNNPACK reads a buffer filled with the
/// input zero point there, which contributes (zx - zx)·w = 0. The AVX2 path handles 8 channels per
/// vector (int32 lanes); inputs need 8 readable bytes past the last channel of the last pixel.
/// </summary>
internal static unsafe class QuantizedDepthwise
{
    public static void Run(DepthwiseWeights w, QuantizedOutputStage stage, ConvolutionGeometry geo,
        ReadOnlySpan<byte> input, Span<byte> output, QuantizedGemm.Path path = QuantizedGemm.Path.Auto)
    {
        int c = w.Channels;
        if ((long)geo.InputHeight * geo.InputWidth * c > input.Length || (long)geo.OutputHeight * geo.OutputWidth * c > output.Length)
            throw new ArgumentException("depthwise buffers are smaller than the geometry");
        bool simd = Avx2.IsSupported && path != QuantizedGemm.Path.Scalar;
        Span<int> tapOffsets = stackalloc int[geo.KernelHeight * geo.KernelWidth];
        Span<int> tapIndices = stackalloc int[geo.KernelHeight * geo.KernelWidth];
        fixed (byte* pin = input)
        fixed (byte* pout = output)
        fixed (int* pw = w.Centered, pbias = w.Bias)
        fixed (float* pscale = stage.Scale)
        {
            for (int oy = 0; oy < geo.OutputHeight; oy++)
                for (int ox = 0; ox < geo.OutputWidth; ox++)
                {
                    int valid = 0;
                    for (int ky = 0; ky < geo.KernelHeight; ky++)
                    {
                        int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                        if ((uint)iy >= (uint)geo.InputHeight) continue;
                        for (int kx = 0; kx < geo.KernelWidth; kx++)
                        {
                            int ix = ox * geo.StrideWidth - geo.PadLeft + kx * geo.DilationWidth;
                            if ((uint)ix >= (uint)geo.InputWidth) continue;
                            tapOffsets[valid] = (iy * geo.InputWidth + ix) * c;
                            tapIndices[valid++] = ky * geo.KernelWidth + kx;
                        }
                    }
                    byte* dst = pout + ((long)oy * geo.OutputWidth + ox) * c;
                    if (simd) PixelAvx2(w, stage, pin, pw, pbias, pscale, tapOffsets[..valid], tapIndices[..valid], dst);
                    else PixelScalar(w, stage, pin, pw, pbias, pscale, tapOffsets[..valid], tapIndices[..valid], dst);
                }
        }
    }

    static void PixelScalar(DepthwiseWeights w, QuantizedOutputStage stage, byte* input, int* weights, int* bias, float* scale,
        ReadOnlySpan<int> offsets, ReadOnlySpan<int> taps, byte* dst)
    {
        int zx = w.InputZeroPoint, cp = w.PaddedChannels;
        for (int ch = 0; ch < w.Channels; ch++)
        {
            int acc = bias[ch];
            for (int t = 0; t < offsets.Length; t++)
                acc += (input[offsets[t] + ch] - zx) * weights[taps[t] * cp + ch];
            dst[ch] = Requantization.Fp32(acc, scale[ch], stage.ZeroPoint, stage.Min, stage.Max);
        }
    }

    static void PixelAvx2(DepthwiseWeights w, QuantizedOutputStage stage, byte* input, int* weights, int* bias, float* scale,
        ReadOnlySpan<int> offsets, ReadOnlySpan<int> taps, byte* dst)
    {
        var zx = Vector256.Create(w.InputZeroPoint);
        var lo = Vector256.Create((float)(stage.Min - stage.ZeroPoint));
        var hi = Vector256.Create((float)(stage.Max - stage.ZeroPoint));
        var zp = Vector256.Create(stage.ZeroPoint);
        int cp = w.PaddedChannels;
        for (int ch = 0; ch < w.Channels; ch += 8)
        {
            var acc = Avx.LoadVector256(bias + ch);
            for (int t = 0; t < offsets.Length; t++)
            {
                var x = Avx2.ConvertToVector256Int32(input + offsets[t] + ch);
                acc = Avx2.Add(acc, Avx2.MultiplyLow(Avx2.Subtract(x, zx), Avx.LoadVector256(weights + taps[t] * cp + ch)));
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
