using System.Runtime.CompilerServices;
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
        if (stage.FixedPoint != null) path = QuantizedGemm.Path.Scalar;
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
            var k = new Pixel(w, stage, pw, pbias, pscale);
            for (int oy = 0; oy < geo.OutputHeight; oy++)
                for (int ox = 0; ox < geo.OutputWidth; ox++)
                {
                    for (int ky = 0, t = 0; ky < geo.KernelHeight; ky++)
                    {
                        int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                        bool rowInside = (uint)iy < (uint)geo.InputHeight;
                        byte* rowStart = pin + (long)iy * geo.InputWidth * c;
                        for (int kx = 0; kx < geo.KernelWidth; kx++, t++)
                        {
                            int ix = ox * geo.StrideWidth - geo.PadLeft + kx * geo.DilationWidth;
                            rows[t] = rowInside && (uint)ix < (uint)geo.InputWidth ? rowStart + (long)ix * c : pzero;
                        }
                    }
                    byte* dst = pout + ((long)oy * geo.OutputWidth + ox) * c;
                    switch (path)
                    {
                        case QuantizedGemm.Path.Vnni when AvxVnni.IsSupported: k.Simd(rows, dst, vnni: true); break;
                        case QuantizedGemm.Path.Vnni or QuantizedGemm.Path.Avx2 when Avx2.IsSupported: k.Simd(rows, dst, vnni: false); break;
                        case QuantizedGemm.Path.Vector128: PixelVector128(w, stage, rows, pbias, dst); break;
                        default: PixelScalar(w, stage, rows, pbias, pscale, dst); break;
                    }
                }
        }
    }

    /// <summary>Per-operator constants of the SIMD pixel loop, set up once per call.</summary>
    readonly struct Pixel
    {
        readonly Vector256<short> _zx;
        readonly Vector256<float> _lo, _hi;
        readonly Vector256<int> _zp;
        readonly short* _weights;
        readonly int* _bias;
        readonly float* _scale;
        readonly int _pairs, _pairStride, _channels;

        public Pixel(DepthwiseWeights w, QuantizedOutputStage stage, short* weights, int* bias, float* scale)
        {
            _zx = Vector256.Create((short)w.InputZeroPoint);
            _lo = Vector256.Create((float)(stage.Min - stage.ZeroPoint));
            _hi = Vector256.Create((float)(stage.Max - stage.ZeroPoint));
            _zp = Vector256.Create(stage.ZeroPoint);
            _weights = weights; _bias = bias; _scale = scale;
            _pairs = w.Pairs; _pairStride = w.PaddedChannels * 2; _channels = w.Channels;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Simd(byte** rows, byte* dst, bool vnni)
        {
            for (int ch = 0; ch < _channels; ch += 8)
            {
                var acc = Avx.LoadVector256(_bias + ch);
                short* wp = _weights + ch * 2;
                for (int p = 0; p < _pairs; p++, wp += _pairStride)
                {
                    var x0 = Vector128.CreateScalar(*(ulong*)(rows[2 * p] + ch)).AsByte();
                    var x1 = Vector128.CreateScalar(*(ulong*)(rows[2 * p + 1] + ch)).AsByte();
                    var x = Avx2.Subtract(Avx2.ConvertToVector256Int16(Sse2.UnpackLow(x0, x1)), _zx);
                    var wv = Avx.LoadVector256(wp);
                    acc = vnni ? AvxVnni.MultiplyWideningAndAdd(acc, x, wv) : Avx2.Add(acc, Avx2.MultiplyAddAdjacent(x, wv));
                }
                var f = Avx.Min(Avx.Max(Avx.Multiply(Avx.ConvertToVector256Single(acc), Avx.LoadVector256(_scale + ch)), _lo), _hi);
                var q = Avx2.Add(Avx.ConvertToVector256Int32(f), _zp);
                var s16 = Sse2.PackSignedSaturate(q.GetLower(), q.GetUpper());
                var bytes = Sse2.PackUnsignedSaturate(s16, s16);
                int n = _channels - ch;
                if (n >= 8) *(ulong*)(dst + ch) = bytes.AsUInt64().ToScalar();
                else for (int i = 0; i < n; i++) dst[ch + i] = bytes.GetElement(i);
            }
        }
    }

    /// <summary>Portable path: 4 channels per step as 32-bit lanes, one tap at a time; the channel tail is scalar.</summary>
    static void PixelVector128(DepthwiseWeights w, QuantizedOutputStage stage, byte** rows, int* bias, byte* dst)
    {
        var zx = Vector128.Create(w.InputZeroPoint);
        int ch = 0;
        fixed (int* centered = w.Centered)
            for (; ch + 4 <= w.Channels; ch += 4)
            {
                var acc = Vector128.Load(bias + ch);
                for (int t = 0; t < w.Taps; t++)
                {
                    var x = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(*(uint*)(rows[t] + ch)).AsByte()).AsInt16());
                    acc += (x - zx) * Vector128.Load(centered + t * w.Channels + ch);
                }
                for (int i = 0; i < 4; i++) dst[ch + i] = stage.Requantize(acc.GetElement(i), ch + i);
            }
        for (; ch < w.Channels; ch++)
        {
            int acc = bias[ch];
            for (int t = 0; t < w.Taps; t++) acc += (rows[t][ch] - w.InputZeroPoint) * w.Centered[t * w.Channels + ch];
            dst[ch] = stage.Requantize(acc, ch);
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
            dst[ch] = stage.Requantize(acc, ch);
        }
    }
}
