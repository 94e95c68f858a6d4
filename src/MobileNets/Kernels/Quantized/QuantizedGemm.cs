using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// 8-bit GEMM with int32 accumulation and fp32 requantization: rows of unsigned activations times
/// pre-packed signed weights. Uses AVX-VNNI vpdpbusd (u8 x s8 -> s32, 4 products per lane) when
/// present, else AVX2 widening multiply-adds (pmaddwd on 16-bit values, exact: XNNPACK also avoids
/// the saturating pmaddubsw), else the scalar path. All paths give identical integers.
/// Each activation row must have <see cref="QuantizedGemmWeights.PaddedDepth"/> readable bytes and
/// the last row 31 more (bytes past the depth meet zero weights and are masked out of row sums).
/// </summary>
internal static unsafe class QuantizedGemm
{
    /// <summary>
    /// Which instruction path to use; tests force each one. <see cref="Path.Avx512"/> selects the
    /// 512-bit kernels where one exists (depthwise) and the VNNI (else AVX2) ones elsewhere.
    /// </summary>
    public enum Path { Auto, Avx512, Vnni, Avx2, Vector128, Scalar }

    public static Path Best => DepthwisePixelAvx512.IsSupported ? Path.Avx512 : AvxVnni.IsSupported ? Path.Vnni : Avx2.IsSupported ? Path.Avx2
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? Path.Vector128 : Path.Scalar;

    /// <summary>
    /// Rows per pass: their sums live on the stack (no allocation per run), and the count is a
    /// multiple of the 6-row tile so longer runs tile exactly as one pass would.
    /// </summary>
    const int MaxRowsPerPass = 1020;

    public static void Run(QuantizedGemmWeights w, QuantizedOutputStage stage, ReadOnlySpan<byte> a, int aStride, int rows,
        Span<byte> output, int outputStride, Path path = Path.Auto)
    {
        if (rows == 0) return;
        if ((long)(rows - 1) * aStride + Math.Max(w.PaddedDepth, w.Depth + 31) > a.Length)
            throw new ArgumentException("activation rows (with their trailing slack) are shorter than the kernels read");
        if ((long)(rows - 1) * outputStride + w.Channels > output.Length) throw new ArgumentException("output is too small");
        if (rows > MaxRowsPerPass)
        {
            for (int m = 0; m < rows; m += MaxRowsPerPass)
                Run(w, stage, a.Slice(m * aStride), aStride, Math.Min(MaxRowsPerPass, rows - m), output.Slice(m * outputStride), outputStride, path);
            return;
        }
        if (path == Path.Auto) path = Best;
        if (stage.FixedPoint != null) path = Path.Scalar;
        Span<int> rowSums = stackalloc int[rows];
        fixed (byte* pa = a)
        {
            if (w.WeightZeroPoint != 0)
                for (int m = 0; m < rows; m++) rowSums[m] = w.WeightZeroPoint * ByteSum(pa + (long)m * aStride, w.Depth);
            else rowSums.Clear();
            fixed (sbyte* pw = w.Packed)
            fixed (int* pbias = w.PackedBias, psum = rowSums)
            fixed (float* pscale = stage.Scale)
            fixed (byte* pout = output)
            {
                var args = new Args(pa, aStride, pw, pbias, psum, pscale, pout, outputStride, w, stage);
                switch (path)
                {
                    case Path.Avx512 when AvxVnni.IsSupported && Avx512Store.IsSupported: RunVnni<Avx512Store>(args, rows); break;
                    case Path.Avx512 or Path.Vnni when AvxVnni.IsSupported: RunVnni<Avx2Store>(args, rows); break;
                    case Path.Avx512 or Path.Avx2 when Avx2.IsSupported: RunAvx2(args, rows); break;
                    case Path.Vector128: RunVector128(args, rows); break;
                    default: RunScalar(args, rows); break;
                }
            }
        }
    }

    internal readonly struct Args(byte* a, int aStride, sbyte* w, int* bias, int* rowSums, float* scale, byte* output, int outputStride,
        QuantizedGemmWeights weights, QuantizedOutputStage stage)
    {
        public readonly QuantizedOutputStage Stage = stage;
        public readonly byte* A = a; public readonly long AStride = aStride; public readonly sbyte* W = w; public readonly int* Bias = bias;
        public readonly int* RowSums = rowSums; public readonly float* Scale = scale; public readonly byte* Output = output;
        public readonly long OutputStride = outputStride; public readonly int PaddedDepth = weights.PaddedDepth;
        public readonly int Channels = weights.Channels; public readonly int Blocks = weights.PaddedChannels / QuantizedGemmWeights.ChannelBlock;
        public readonly int ZeroPoint = stage.ZeroPoint;
        /// <summary>The clamp bounds relative to the zero point, as the output stage applies them before rounding.</summary>
        public readonly float Lo = stage.Min - stage.ZeroPoint, Hi = stage.Max - stage.ZeroPoint;
    }

    static readonly byte[] TailMasks = Enumerable.Range(0, 64).Select(i => (byte)(i < 32 ? 0xFF : 0)).ToArray();

    /// <summary>Σ of n bytes. The AVX2 path reads up to 31 bytes past the end (masked off), within the rows' padding and slack.</summary>
    static int ByteSum(byte* p, int n)
    {
        if (!Avx2.IsSupported)
        {
            int s = 0;
            for (int k = 0; k < n; k++) s += p[k];
            return s;
        }
        var acc = Vector256<long>.Zero;
        int i = 0;
        for (; i + 32 <= n; i += 32)
            acc = Avx2.Add(acc, Avx2.SumAbsoluteDifferences(Avx.LoadVector256(p + i), Vector256<byte>.Zero).AsInt64());
        if (i < n)
            fixed (byte* mask = TailMasks)
            {
                var tail = Avx2.And(Avx.LoadVector256(p + i), Avx.LoadVector256(mask + 32 - (n - i)));
                acc = Avx2.Add(acc, Avx2.SumAbsoluteDifferences(tail, Vector256<byte>.Zero).AsInt64());
            }
        return (int)(acc.GetElement(0) + acc.GetElement(1) + acc.GetElement(2) + acc.GetElement(3));
    }

    // ---- VNNI: 6 rows x 16 channels per micro-tile, 12 accumulators of 8 int32 lanes (+ 2 weight and 1
    // broadcast registers: the 16 ymm registers VEX code has). Short rows repeat row 0 and skip its stores.
    static void RunVnni<TStore>(in Args g, int rows) where TStore : struct, IGemmStore
    {
        for (int m0 = 0; m0 < rows; m0 += 6)
        {
            int count = Math.Min(6, rows - m0);
            byte* a0 = g.A + m0 * g.AStride;
            byte* a1 = count > 1 ? a0 + g.AStride : a0;
            byte* a2 = count > 2 ? a0 + 2 * g.AStride : a0;
            byte* a3 = count > 3 ? a0 + 3 * g.AStride : a0;
            byte* a4 = count > 4 ? a0 + 4 * g.AStride : a0;
            byte* a5 = count > 5 ? a0 + 5 * g.AStride : a0;
            for (int b = 0; b < g.Blocks; b++)
            {
                sbyte* w = g.W + (long)b * g.PaddedDepth * 16;
                Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
                               c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
                for (int k = 0; k < g.PaddedDepth; k += 4, w += 64)
                {
                    var w0 = Avx.LoadVector256(w);
                    var w1 = Avx.LoadVector256(w + 32);
                    var x = Vector256.Create(*(int*)(a0 + k)).AsByte();
                    c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, w0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, w1);
                    x = Vector256.Create(*(int*)(a1 + k)).AsByte();
                    c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, w0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, w1);
                    x = Vector256.Create(*(int*)(a2 + k)).AsByte();
                    c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, w0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, w1);
                    x = Vector256.Create(*(int*)(a3 + k)).AsByte();
                    c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, w0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, w1);
                    x = Vector256.Create(*(int*)(a4 + k)).AsByte();
                    c40 = AvxVnni.MultiplyWideningAndAdd(c40, x, w0); c41 = AvxVnni.MultiplyWideningAndAdd(c41, x, w1);
                    x = Vector256.Create(*(int*)(a5 + k)).AsByte();
                    c50 = AvxVnni.MultiplyWideningAndAdd(c50, x, w0); c51 = AvxVnni.MultiplyWideningAndAdd(c51, x, w1);
                }
                int n0 = b * 16;
                TStore.Store(g, m0, n0, c00, c01);
                if (count > 1) TStore.Store(g, m0 + 1, n0, c10, c11);
                if (count > 2) TStore.Store(g, m0 + 2, n0, c20, c21);
                if (count > 3) TStore.Store(g, m0 + 3, n0, c30, c31);
                if (count > 4) TStore.Store(g, m0 + 4, n0, c40, c41);
                if (count > 5) TStore.Store(g, m0 + 5, n0, c50, c51);
            }
        }
    }

    // ---- AVX2 fallback: 2 rows x 16 channels; 16-bit widening and pmaddwd, pairs folded by hadd at the end.
    static void RunAvx2(in Args g, int rows)
    {
        var unscramble = Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7);
        for (int m0 = 0; m0 < rows; m0 += 2)
        {
            int count = Math.Min(2, rows - m0);
            byte* a0 = g.A + m0 * g.AStride;
            byte* a1 = count > 1 ? a0 + g.AStride : a0;
            for (int b = 0; b < g.Blocks; b++)
            {
                sbyte* w = g.W + (long)b * g.PaddedDepth * 16;
                // pXY: row X, channel quarter Y (4 channels each), lanes hold (channel, half-of-4) partial sums.
                Vector256<int> p00 = default, p01 = default, p02 = default, p03 = default;
                Vector256<int> p10 = default, p11 = default, p12 = default, p13 = default;
                for (int k = 0; k < g.PaddedDepth; k += 4, w += 64)
                {
                    var w0 = Avx2.ConvertToVector256Int16(Sse2.LoadVector128(w));
                    var w1 = Avx2.ConvertToVector256Int16(Sse2.LoadVector128(w + 16));
                    var w2 = Avx2.ConvertToVector256Int16(Sse2.LoadVector128(w + 32));
                    var w3 = Avx2.ConvertToVector256Int16(Sse2.LoadVector128(w + 48));
                    var x0 = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a0 + k)).AsByte());
                    var x1 = Avx2.ConvertToVector256Int16(Vector128.Create(*(int*)(a1 + k)).AsByte());
                    p00 = Avx2.Add(p00, Avx2.MultiplyAddAdjacent(x0, w0)); p01 = Avx2.Add(p01, Avx2.MultiplyAddAdjacent(x0, w1));
                    p02 = Avx2.Add(p02, Avx2.MultiplyAddAdjacent(x0, w2)); p03 = Avx2.Add(p03, Avx2.MultiplyAddAdjacent(x0, w3));
                    p10 = Avx2.Add(p10, Avx2.MultiplyAddAdjacent(x1, w0)); p11 = Avx2.Add(p11, Avx2.MultiplyAddAdjacent(x1, w1));
                    p12 = Avx2.Add(p12, Avx2.MultiplyAddAdjacent(x1, w2)); p13 = Avx2.Add(p13, Avx2.MultiplyAddAdjacent(x1, w3));
                }
                int n0 = b * 16;
                Avx2Store.Store(g, m0, n0, Avx2.PermuteVar8x32(Avx2.HorizontalAdd(p00, p01), unscramble), Avx2.PermuteVar8x32(Avx2.HorizontalAdd(p02, p03), unscramble));
                if (count > 1)
                    Avx2Store.Store(g, m0 + 1, n0, Avx2.PermuteVar8x32(Avx2.HorizontalAdd(p10, p11), unscramble), Avx2.PermuteVar8x32(Avx2.HorizontalAdd(p12, p13), unscramble));
            }
        }
    }

    // ---- Portable Vector128 (SSE4/NEON): one row x 4 channels; lanes hold the 4 depth products of a channel,
    // widened to 32 bits and summed across lanes at the end.
    static void RunVector128(in Args g, int rows)
    {
        for (int m = 0; m < rows; m++)
        {
            byte* a = g.A + m * g.AStride;
            for (int b = 0; b < g.Blocks; b++)
            {
                int n0 = b * 16;
                int count = Math.Min(16, g.Channels - n0);
                for (int q = 0; q < count; q += 4)
                {
                    sbyte* w = g.W + (long)b * g.PaddedDepth * 16 + q * 4;
                    Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default;
                    for (int k = 0; k < g.PaddedDepth; k += 4, w += 64)
                    {
                        var x = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(*(uint*)(a + k)).AsByte()).AsInt16());
                        var (w01, w23) = Vector128.Widen(Vector128.Load(w));
                        var (v0, v1) = Vector128.Widen(w01);
                        var (v2, v3) = Vector128.Widen(w23);
                        c0 += x.AsInt32() * v0; c1 += x.AsInt32() * v1; c2 += x.AsInt32() * v2; c3 += x.AsInt32() * v3;
                    }
                    int n = n0 + q;
                    var sums = Vector128.Create(Vector128.Sum(c0), Vector128.Sum(c1), Vector128.Sum(c2), Vector128.Sum(c3));
                    for (int i = 0; i < 4 && n + i < g.Channels; i++)
                        g.Output[m * g.OutputStride + n + i] = g.Stage.Requantize(sums.GetElement(i) + g.Bias[n + i] - g.RowSums[m], n + i);
                }
            }
        }
    }

    static void RunScalar(in Args g, int rows)
    {
        for (int m = 0; m < rows; m++)
        {
            byte* a = g.A + m * g.AStride;
            for (int n = 0; n < g.Channels; n++)
            {
                sbyte* w = g.W + (long)(n / 16) * g.PaddedDepth * 16 + (n % 16) * 4;
                int acc = 0;
                for (int k = 0; k < g.PaddedDepth; k += 4, w += 64)
                    acc += a[k] * w[0] + a[k + 1] * w[1] + a[k + 2] * w[2] + a[k + 3] * w[3];
                acc += g.Bias[n] - g.RowSums[m];
                g.Output[m * g.OutputStride + n] = g.Stage.Requantize(acc, n);
            }
        }
    }
}
