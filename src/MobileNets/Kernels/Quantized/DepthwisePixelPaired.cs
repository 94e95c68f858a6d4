using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// AVX2 / AVX-VNNI depthwise pixel: 8 channels per step. Pairs of taps are interleaved to 16-bit
/// and multiplied-added against <see cref="DepthwiseWeights.PairedWeights"/> with vpdpwssd or
/// pmaddwd (raw bytes: the input zero point is in the folded bias; x0·w0 + x1·w1 ≤ 2·255² fits).
/// </summary>
internal readonly unsafe struct DepthwisePixelPaired<TDot> : IDepthwisePixel where TDot : struct, DepthwisePixelPaired.IDot
{
    readonly Vector256<float> _lo, _hi;
    readonly Vector256<int> _zp;
    readonly short* _weights;
    readonly int* _bias;
    readonly float* _scale;
    readonly int _pairs, _pairStride, _channels;

    public DepthwisePixelPaired(DepthwiseWeights w, QuantizedOutputStage stage, short* weights, int* foldedBias, float* scale)
    {
        _lo = Vector256.Create((float)(stage.Min - stage.ZeroPoint));
        _hi = Vector256.Create((float)(stage.Max - stage.ZeroPoint));
        _zp = Vector256.Create(stage.ZeroPoint);
        _weights = weights; _bias = foldedBias; _scale = scale;
        _pairs = w.Pairs; _pairStride = w.PaddedChannels * 2; _channels = w.Channels;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pixel(byte** rows, nint offset, byte* dst)
    {
        for (int ch = 0; ch < _channels; ch += 8)
        {
            var acc = Avx.LoadVector256(_bias + ch);
            short* wp = _weights + ch * 2;
            for (int p = 0; p < _pairs; p++, wp += _pairStride)
            {
                var x0 = Vector128.CreateScalar(*(ulong*)(rows[2 * p] + offset + ch)).AsByte();
                var x1 = Vector128.CreateScalar(*(ulong*)(rows[2 * p + 1] + offset + ch)).AsByte();
                acc = default(TDot).Add(acc, Avx2.ConvertToVector256Int16(Sse2.UnpackLow(x0, x1)), Avx.LoadVector256(wp));
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

internal static class DepthwisePixelPaired
{
    /// <summary>acc + x0·w0 + x1·w1 per 32-bit lane of 16-bit pairs.</summary>
    public interface IDot
    {
        Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w);
    }

    public readonly struct Vnni : IDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w) => AvxVnni.MultiplyWideningAndAdd(acc, x, w);
    }

    public readonly struct Avx2 : IDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Add(Vector256<int> acc, Vector256<short> x, Vector256<short> w) =>
            System.Runtime.Intrinsics.X86.Avx2.Add(acc, System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(x, w));
    }
}
