using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Output stage of the GEMM micro-kernels for one row of 16 channels (two 8-lane accumulators):
/// + bias - zw·Σa, fp32 scale, clamp to [min - zp, max - zp], round to nearest-even (cvtps2dq
/// under the default MXCSR, as lrintf), + zp, bytes; channels past the row's count are not written.
/// </summary>
internal unsafe interface IGemmStore
{
    static abstract void Store(in QuantizedGemm.Args g, int m, int n0, Vector256<int> acc0, Vector256<int> acc1);
}

/// <summary>AVX2 output stage: two 8-lane halves, packed with saturating packs.</summary>
internal readonly unsafe struct Avx2Store : IGemmStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(in QuantizedGemm.Args g, int m, int n0, Vector256<int> acc0, Vector256<int> acc1)
    {
        var correction = Vector256.Create(g.RowSums[m]);
        acc0 = Avx2.Subtract(Avx2.Add(acc0, Avx.LoadVector256(g.Bias + n0)), correction);
        acc1 = Avx2.Subtract(Avx2.Add(acc1, Avx.LoadVector256(g.Bias + n0 + 8)), correction);
        var lo = Vector256.Create(g.Lo);
        var hi = Vector256.Create(g.Hi);
        var f0 = Avx.Min(Avx.Max(Avx.Multiply(Avx.ConvertToVector256Single(acc0), Avx.LoadVector256(g.Scale + n0)), lo), hi);
        var f1 = Avx.Min(Avx.Max(Avx.Multiply(Avx.ConvertToVector256Single(acc1), Avx.LoadVector256(g.Scale + n0 + 8)), lo), hi);
        var zp = Vector256.Create(g.ZeroPoint);
        var i0 = Avx2.Add(Avx.ConvertToVector256Int32(f0), zp);
        var i1 = Avx2.Add(Avx.ConvertToVector256Int32(f1), zp);
        var s = Avx2.Permute4x64(Avx2.PackSignedSaturate(i0, i1).AsInt64(), 0xD8).AsInt16();
        var bytes = Sse2.PackUnsignedSaturate(s.GetLower(), s.GetUpper());
        byte* dst = g.Output + m * g.OutputStride + n0;
        int n = g.Channels - n0;
        if (n >= 16) Sse2.Store(dst, bytes);
        else for (int i = 0; i < n; i++) dst[i] = bytes.GetElement(i);
    }
}

/// <summary>
/// AVX-512 output stage: both halves joined into one 16-lane vector, so each step is one
/// instruction, and vpmovdb narrows (exact: the clamp keeps values in [min, max] ⊂ [0, 255]);
/// a short last block stores under a byte mask.
/// </summary>
internal readonly unsafe struct Avx512Store : IGemmStore
{
    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.VL.IsSupported;

    static readonly Vector128<byte> Lanes = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(in QuantizedGemm.Args g, int m, int n0, Vector256<int> acc0, Vector256<int> acc1)
    {
        var acc = Avx512F.Subtract(Avx512F.Add(Vector512.Create(acc0, acc1), Avx512F.LoadVector512(g.Bias + n0)), Vector512.Create(g.RowSums[m]));
        var f = Avx512F.Multiply(Avx512F.ConvertToVector512Single(acc), Avx512F.LoadVector512(g.Scale + n0));
        f = Avx512F.Min(Avx512F.Max(f, Vector512.Create(g.Lo)), Vector512.Create(g.Hi));
        var bytes = Avx512F.ConvertToVector128Byte(Avx512F.Add(Avx512F.ConvertToVector512Int32(f), Vector512.Create(g.ZeroPoint)));
        byte* dst = g.Output + m * g.OutputStride + n0;
        int n = g.Channels - n0;
        if (n >= 16) Sse2.Store(dst, bytes);
        else Avx512BW.VL.MaskStore(dst, Vector128.LessThan(Lanes, Vector128.Create((byte)n)), bytes);
    }
}
