using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// AVX-512 depthwise pixel: 16 channels per step. Each tap's bytes are widened to 32-bit lanes
/// (vpmovzxbd), whose high 16 bits are zero, so vpmaddwd against the 32-bit weights is an exact
/// x·w per lane (the weight's sign-extension half meets a zero). Accumulation starts from the
/// folded bias, so the raw bytes need no zero-point subtraction. The last channel step stores
/// under a byte mask so a pixel's neighbours are never written.
/// </summary>
internal readonly unsafe struct DepthwisePixelAvx512 : IDepthwisePixel
{
    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.VL.IsSupported;

    readonly Vector512<float> _lo, _hi;
    readonly Vector512<int> _zp;
    readonly int* _weights; readonly float* _scale;
    readonly int* _bias;
    readonly int _taps, _tapStride, _channels;
    readonly Vector128<byte> _tailMask;

    public DepthwisePixelAvx512(DepthwiseWeights w, QuantizedOutputStage stage, int* wideWeights, int* foldedBias, float* scale)
    {
        _lo = Vector512.Create((float)(stage.Min - stage.ZeroPoint));
        _hi = Vector512.Create((float)(stage.Max - stage.ZeroPoint));
        _zp = Vector512.Create(stage.ZeroPoint);
        _weights = wideWeights; _bias = foldedBias; _scale = scale;
        _taps = w.Taps; _tapStride = w.PaddedChannels; _channels = w.Channels;
        int tail = w.Channels % 16;
        _tailMask = Vector128.LessThan(Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector128.Create((byte)tail));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pixel(byte** taps, nint offset, byte* dst)
    {
        for (int ch = 0; ch < _channels; ch += 16)
        {
            // Two chains halve the add latency each channel step waits on.
            Vector512<int> acc0 = Avx512F.LoadVector512(_bias + ch), acc1 = default;
            int* wp = _weights + ch;
            int t = 0;
            for (; t + 1 < _taps; t += 2, wp += 2 * _tapStride)
            {
                acc0 = Avx512F.Add(acc0, Product(taps[t] + offset + ch, wp));
                acc1 = Avx512F.Add(acc1, Product(taps[t + 1] + offset + ch, wp + _tapStride));
            }
            if (t < _taps) acc0 = Avx512F.Add(acc0, Product(taps[t] + offset + ch, wp));
            var acc = Avx512F.Add(acc0, acc1);
            var f = Avx512F.Min(Avx512F.Max(Avx512F.Multiply(Avx512F.ConvertToVector512Single(acc), Avx512F.LoadVector512(_scale + ch)), _lo), _hi);
            // cvtps2dq rounds to nearest-even; the clamp keeps q in [min, max] ⊂ [0, 255], so vpmovdb's truncation is exact.
            var bytes = Avx512F.ConvertToVector128Byte(Avx512F.Add(Avx512F.ConvertToVector512Int32(f), _zp));
            if (ch + 16 <= _channels) Sse2.Store(dst + ch, bytes);
            else Avx512BW.VL.MaskStore(dst + ch, _tailMask, bytes);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<int> Product(byte* x, int* w) =>
        Avx512BW.MultiplyAddAdjacent(Avx512F.ConvertToVector512Int32(Sse2.LoadVector128(x)).AsInt16(), Avx512F.LoadVector512(w).AsInt16());
}
