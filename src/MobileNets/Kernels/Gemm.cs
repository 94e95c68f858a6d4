using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels;

/// <summary>
/// C[m, n] = act(sum_k A[m, k] * B[k, n] + bias[n]) (+ R[m, n]): the pointwise-convolution and
/// linear-layer kernel. A row-major with leading dimension lda (NHWC pixels x channels), B packed
/// (<see cref="PackedGemmWeights"/>), C and R with leading dimension ldc. Register tile: 6 rows x
/// 2 vectors (12 accumulators), broadcast A, two FMAs per row per k.
/// </summary>
internal static class Gemm
{
    internal const int TileRows = 6;

    /// <remarks>Only output column panels [panelStart, panelEnd) are computed: threads split narrow GEMMs by columns.</remarks>
    public static void Run(PackedGemmWeights b, ReadOnlySpan<float> a, int m, int lda, Span<float> c, int ldc, Activation act,
        ReadOnlySpan<float> residual = default, int panelStart = 0, int panelEnd = int.MaxValue)
    {
        if (m == 0) return;
        if (!Activations.IsFusable(act)) throw new ArgumentException($"{act} is not fused in kernels", nameof(act));
        if ((long)(m - 1) * lda + b.K > a.Length || (long)(m - 1) * ldc + b.N > c.Length) throw new ArgumentException("GEMM operand too small");
        if (!residual.IsEmpty && (long)(m - 1) * ldc + b.N > residual.Length) throw new ArgumentException("residual too small");
        // The blocked path keeps partial sums in C: a residual read from C would see them.
        if (!residual.IsEmpty && residual.Overlaps(c)) throw new ArgumentException("the residual must not overlap the output");
        switch (b.Width)
        {
            case SimdWidth.V512: Dispatch<Simd512, Vector512<float>>(b, a, m, lda, c, ldc, act, residual, panelStart, Math.Min(panelEnd, b.Panels)); break;
            case SimdWidth.V256: Dispatch<Simd256, Vector256<float>>(b, a, m, lda, c, ldc, act, residual, panelStart, Math.Min(panelEnd, b.Panels)); break;
            case SimdWidth.V128: Dispatch<Simd128, Vector128<float>>(b, a, m, lda, c, ldc, act, residual, panelStart, Math.Min(panelEnd, b.Panels)); break;
            default: ScalarGemm(b, a, m, lda, c, ldc, act, residual, panelStart, Math.Min(panelEnd, b.Panels)); break;
        }
    }

    static void Dispatch<TS, TV>(PackedGemmWeights b, ReadOnlySpan<float> a, int m, int lda, Span<float> c, int ldc, Activation act, ReadOnlySpan<float> r, int p0, int p1)
        where TS : ISimd<TV> where TV : struct
    {
        switch (act)
        {
            case Activation.None: Run<TS, TV, IdentityOp>(b, a, m, lda, c, ldc, r, p0, p1); break;
            case Activation.ReLU: Run<TS, TV, ReluOp>(b, a, m, lda, c, ldc, r, p0, p1); break;
            case Activation.ReLU6: Run<TS, TV, Relu6Op>(b, a, m, lda, c, ldc, r, p0, p1); break;
            case Activation.HardSwish: Run<TS, TV, HardSwishOp>(b, a, m, lda, c, ldc, r, p0, p1); break;
            case Activation.HardSigmoid: Run<TS, TV, HardSigmoidOp>(b, a, m, lda, c, ldc, r, p0, p1); break;
        }
    }

    /// <summary>Bytes of activations (a row block's depth slice) kept in L2 while every panel runs over them.</summary>
    const int RowBlockBytes = 384 * 1024;
    /// <summary>Weights up to this size (half an L1 cache) stay there however they are walked: rows outside, panels inside.</summary>
    const int SmallWeightBytes = 24 * 1024;

    /// <summary>Pinned operands of one call.</summary>
    readonly unsafe struct Operands(PackedGemmWeights w, float* c, int ldc, float* r, float* b, float* bias, int k, int n, int nr, float* spill, float** rows)
    {
        public readonly PackedGemmWeights Weights = w;
        public readonly float* C = c, R = r, B = b, Bias = bias, Spill = spill;
        /// <summary>Room for one tile's row pointers.</summary>
        public readonly float** Rows = rows;
        public readonly int Ldc = ldc, K = k, N = n, Nr = nr;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Run<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> a, int m, int lda, Span<float> c, int ldc, ReadOnlySpan<float> r, int panelStart, int panelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int nr = b.PanelWidth, k = b.K;
        float* spill = stackalloc float[2 * 16];
        float** rowPointers = stackalloc float*[TileRows];
        fixed (float* pa = a, pc = c, pr = r, pb = b.Data, pbias = b.Bias)
        {
            var t = new Operands(b, pc, ldc, pr, pb, pbias, k, b.N, nr, spill, rowPointers);
            // Large weights walked row tile by row tile would stream every panel from L2/L3 (or memory)
            // once per 6 rows: block them (GotoBLAS order) so a panel's depth slice stays in cache across a
            // block of rows whose activations stay in L2. Partial sums go through C between depth slices
            // in the same order the unblocked loop adds them, so the results are bit-identical.
            long weightBytes = 4L * k * nr * (panelEnd - panelStart);
            if (weightBytes <= SmallWeightBytes && b.DepthSlice == k)
            {
                for (int r0 = 0; r0 < m; r0 += TileRows)
                    RunPanels<TS, TV, TAct>(t, pa + (long)r0 * lda, lda, 1, r0, Math.Min(TileRows, m - r0), panelStart, panelEnd, 0, k);
                return;
            }
            // Weights packed sliced fix the slices; others are sliced here the same way (any slice works on them).
            int kc = b.DepthSlice < k ? b.DepthSlice : PackedGemmWeights.SliceDepth(k, nr);
            // Row blocks of equal size: a short last block would stream every weight panel again for a few rows.
            int maxRows = Math.Max(TileRows, RowBlockBytes / (4 * kc) / TileRows * TileRows);
            int blocks = (m + maxRows - 1) / maxRows;
            int mc = ((m + blocks - 1) / blocks + TileRows - 1) / TileRows * TileRows;
            // Rows 4 KiB apart alias in L1 (same set, and false store-forwarding hazards): a row block
            // whose stride is a multiple of 4 KiB is copied tile by tile into one k-major stream.
            bool pack = (lda & 1023) == 0;
            float[] packed = pack ? PackBuffer(mc * kc) : [];
            fixed (float* pp = packed)
                for (int row = 0; row < m; row += mc)
                {
                    int rowEnd = Math.Min(m, row + mc);
                    for (int k0 = 0; k0 < k; k0 += kc)
                    {
                        int depth = Math.Min(kc, k - k0);
                        if (pack) PackRows(pa + (long)row * lda + k0, lda, rowEnd - row, depth, pp);
                        for (int p = panelStart; p < panelEnd; p++)
                        {
                            // Partial sums are stored as whole panels: a last, partial panel runs its whole depth at once.
                            bool whole = (p + 1) * nr <= b.N;
                            if (!whole && k0 > 0) continue;
                            if (!whole && pack && kc < k)
                            {
                                for (int r0 = row; r0 < rowEnd; r0 += TileRows)
                                    RunPanels<TS, TV, TAct>(t, pa + (long)r0 * lda, lda, 1, r0, Math.Min(TileRows, rowEnd - r0), p, p + 1, 0, k);
                                continue;
                            }
                            int k1 = whole ? k0 + depth : k;
                            // Two whole panels at a time where the tile covers two (one broadcast of A feeds both).
                            int pEnd = TS.Lanes == 16 && whole && p + 1 < panelEnd && (p + 2) * nr <= b.N ? p + 2 : p + 1;
                            // The weights the walk reads next follow these in memory (sliced packing): each row
                            // tile prefetches its share of them into L2, a line per k inside the tile's loop, so
                            // they arrive while these are in use. Spread out, not a burst before the tile: a burst
                            // filled the miss queues and stalled the tile (7x7 256->1024 with weights from memory
                            // 171 -> 137 us, hot 133). Not with a single tile (a GEMV, the classifier heads): it
                            // streams its weights anyway, and prefetching ahead of it only stalled.
                            byte* next = (byte*)(pb + b.Offset(p, k0) + (long)(pEnd - p) * (k1 - k0) * nr);
                            long nextBytes = 4L * (pEnd - p) * (k1 - k0) * nr;
                            long share = (nextBytes / ((rowEnd - row + TileRows - 1) / TileRows) + 63) & ~63L;
                            byte* dataEnd = (byte*)(pb + b.Data.Length);
                            for (int r0 = row; r0 < rowEnd; r0 += TileRows)
                            {
                                byte* line = null, stop = null;
                                if (rowEnd - row > TileRows)
                                {
                                    line = next + (r0 - row) / TileRows * share;
                                    stop = line + share < dataEnd ? line + share : dataEnd;
                                }
                                if (pack) RunPanels<TS, TV, TAct>(t, pp + (long)(r0 - row) * depth, 1, Math.Min(TileRows, rowEnd - r0), r0, Math.Min(TileRows, rowEnd - r0), p, pEnd, k0, k1, line, stop);
                                else RunPanels<TS, TV, TAct>(t, pa + (long)r0 * lda + k0, lda, 1, r0, Math.Min(TileRows, rowEnd - r0), p, pEnd, k0, k1, line, stop);
                            }
                            p = pEnd - 1;
                        }
                    }
                }
        }
    }

    [ThreadStatic] static float[]? _packBuffer;

    static float[] PackBuffer(int length)
    {
        if (_packBuffer == null || _packBuffer.Length < length) _packBuffer = GC.AllocateUninitializedArray<float>(length, pinned: true);
        return _packBuffer;
    }

    /// <summary>Rows x depth values from row-major A into tiles of <see cref="TileRows"/> rows, k-major within a tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void PackRows(float* a, int lda, int rows, int depth, float* packed)
    {
        for (int r0 = 0; r0 < rows; r0 += TileRows)
        {
            int count = Math.Min(TileRows, rows - r0);
            float* tile = packed + (long)r0 * depth;
            float* src = a + (long)r0 * lda;
            if (count == TileRows)
            {
                // Sequential writes, six sequential read streams.
                float* s3 = src + 3L * lda;
                for (int kk = 0; kk < depth; kk++, tile += TileRows)
                {
                    tile[0] = src[kk]; tile[1] = src[lda + kk]; tile[2] = src[2L * lda + kk];
                    tile[3] = s3[kk]; tile[4] = s3[lda + kk]; tile[5] = s3[2L * lda + kk];
                }
            }
            else
                for (int i = 0; i < count; i++)
                    for (int kk = 0; kk < depth; kk++) tile[kk * count + i] = src[(long)i * lda + kk];
        }
    }

    /// <summary>
    /// Rows [row, row + rows) (at most one tile; their A values start at <paramref name="a"/>, row i's value
    /// of depth k at a[i * rowStride + k * kStride]) times panels [p0, p1) over depth [k0, k1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void RunPanels<TS, TV, TAct>(in Operands t, float* a, int rowStride, int kStride, int row, int rows, int p0, int p1, int k0, int k1,
        byte* prefetch = null, byte* prefetchEnd = null)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        bool last = k1 == t.K;
        for (int p = p0; p < p1; p++)
        {
            int col = p * t.Nr, valid = Math.Min(t.Nr, t.N - col);
            float* bp = t.B + t.Weights.Offset(p, k0);
            float* cr = t.C + (long)row * t.Ldc + col;
            float* rr = t.R == null ? null : t.R + (long)row * t.Ldc + col;
            // The first depth slice starts from the bias, later ones from the partial sums in C.
            float* init = k0 == 0 ? t.Bias + col : cr;
            int initStride = k0 == 0 ? 0 : t.Ldc;
            // Two or more rows take the full tile (the missing rows repeat the last one, computed but not
            // stored): cheaper than a one-row pass each, whose two accumulators wait on the FMA latency.
            if (rows >= 2)
            {
                for (int i = 0; i < TileRows; i++) t.Rows[i] = a + (long)Math.Min(i, rows - 1) * rowStride;
                // With 32 vector registers two panels go together when this call covers several.
                bool pair = TS.Lanes == 16 && p + 1 < p1;
                nint panelStride = pair ? (nint)(t.Weights.Offset(p + 1, k0) - t.Weights.Offset(p, k0)) : 0;
                TileColumns<TS, TV, TAct>(t.Rows, 1, k1 - k0, kStride, bp, panelStride, t.Nr, init, initStride, last, cr, t.Ldc, rr,
                    valid, pair ? Math.Min(t.Nr, t.N - col - t.Nr) : -1, t.Spill, rows, prefetch, prefetchEnd);
                prefetch = prefetchEnd;
                if (pair) p++;
            }
            else if (rows == 1 && p + 1 < p1 && (p + 2) * t.Nr <= t.N)
            {
                nint panelStride = (nint)(t.Weights.Offset(p + 1, k0) - t.Weights.Offset(p, k0));
                Tile1Pair<TS, TV, TAct>(a, kStride, bp, k1 - k0, t.Nr, init, last, cr, rr, valid, t.Spill, panelStride);
                p++;
            }
            else
                for (int i = 0; i < rows; i++)
                    Tile1<TS, TV, TAct>(a + (long)i * rowStride, kStride, bp, k1 - k0, t.Nr, init + (long)i * initStride, last,
                        cr + (long)i * t.Ldc, rr == null ? null : rr + (long)i * t.Ldc, valid, t.Spill);
        }
    }
    /// <summary>
    /// The register tile: 6 rows x 2 vectors of C over <paramref name="taps"/> x <paramref name="depth"/>
    /// values of k. Row i's A values for tap t start at rows[6 t + i], <paramref name="kStride"/> apart;
    /// B advances one packed row per k. One tap of consecutive k is a plain GEMM; several taps with
    /// per-pixel pointers are a convolution without im2col (XNNPACK's indirect GEMM), where padding
    /// taps point at zeros. Accumulators start from <paramref name="init"/> (row stride
    /// <paramref name="initStride"/>: 0 for the bias); unless this is the <paramref name="last"/> depth
    /// slice they go back to C raw, which needs a whole panel. Only the first <paramref name="storeRows"/>
    /// rows are stored. Each k also prefetches one cache line of [<paramref name="prefetch"/>,
    /// <paramref name="prefetchEnd"/>) (the weights read next) into L2 until the range is done.
    /// Its own method so the register allocator sees only this loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile6<TS, TV, TAct>(float** rows, int taps, int depth, nint kStride, float* bp, nint nr,
        float* init, nint initStride, bool last, float* c, nint ldc, float* r, int valid, float* spill, int storeRows, byte* prefetch = null, byte* prefetchEnd = null)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp =>
        Tile<TS, TV, TAct, OnePanel>(rows, taps, depth, kStride, bp, 0, nr, init, initStride, last, c, ldc, r, valid, 0, spill, storeRows, prefetch, prefetchEnd);

    /// <summary>
    /// Which vectors of C a tile covers: 2 (<see cref="OnePanel"/>), 4 (<see cref="TwoPanels"/>: AVX-512's
    /// 32 registers only), or a last panel whose real columns fit one vector: 1 (<see cref="HalfPanel"/>)
    /// or 3 (<see cref="PanelAndHalf"/>). A tail of 16 or fewer columns then costs one vector's
    /// multiply-adds instead of a whole panel's (V3's 16/40/72/112-channel layers at 32 columns a panel).
    /// </summary>
    internal interface IPanels { static abstract int Vectors { get; } }
    internal struct HalfPanel : IPanels { public static int Vectors => 1; }
    internal struct OnePanel : IPanels { public static int Vectors => 2; }
    internal struct PanelAndHalf : IPanels { public static int Vectors => 3; }
    internal struct TwoPanels : IPanels { public static int Vectors => 4; }

    /// <summary>
    /// The tile over one panel (<paramref name="valid"/> real columns) and, when <paramref name="valid2"/>
    /// is not negative, the next one too (<paramref name="panelStride"/> floats on in B): picks the
    /// <see cref="IPanels"/> form that skips the vectors of a tail with no real columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void TileColumns<TS, TV, TAct>(float** rows, int taps, int depth, nint kStride, float* bp, nint panelStride, nint nr,
        float* init, nint initStride, bool last, float* c, nint ldc, float* r, int valid, int valid2, float* spill, int storeRows,
        byte* prefetch = null, byte* prefetchEnd = null)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        if (valid2 > TS.Lanes)
            Tile<TS, TV, TAct, TwoPanels>(rows, taps, depth, kStride, bp, panelStride, nr, init, initStride, last, c, ldc, r, valid, valid2, spill, storeRows, prefetch, prefetchEnd);
        else if (valid2 > 0)
            Tile<TS, TV, TAct, PanelAndHalf>(rows, taps, depth, kStride, bp, panelStride, nr, init, initStride, last, c, ldc, r, valid, valid2, spill, storeRows, prefetch, prefetchEnd);
        else if (valid > TS.Lanes)
            Tile6<TS, TV, TAct>(rows, taps, depth, kStride, bp, nr, init, initStride, last, c, ldc, r, valid, spill, storeRows, prefetch, prefetchEnd);
        else
            Tile<TS, TV, TAct, HalfPanel>(rows, taps, depth, kStride, bp, 0, nr, init, initStride, last, c, ldc, r, valid, 0, spill, storeRows, prefetch, prefetchEnd);
    }

    /// <summary>
    /// <see cref="Tile6{TS, TV, TAct}"/> over 1-4 vectors of C (<see cref="IPanels"/>): vectors 0-1 are a
    /// panel, 2-3 the next one, whose B rows sit <paramref name="panelStride"/> floats after the first's,
    /// its C, init and residual columns <paramref name="nr"/> after, <paramref name="valid2"/> of them
    /// real. With two panels each broadcast of A feeds four multiply-adds, and short-depth GEMMs pay
    /// the call and the epilogue once per two panels. Forms with a half panel need <c>last</c> (a
    /// partial panel runs its whole depth at once).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile<TS, TV, TAct, TP>(float** rows, int taps, int depth, nint kStride, float* bp, nint panelStride, nint nr,
        float* init, nint initStride, bool last, float* c, nint ldc, float* r, int valid, int valid2, float* spill, int storeRows,
        byte* prefetch, byte* prefetchEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp where TP : IPanels
    {
        int lanes = TS.Lanes;
        bool v2 = TP.Vectors >= 2, v3 = TP.Vectors >= 3, v4 = TP.Vectors == 4;
        // Rows past storeRows (a short last tile) start from row storeRows - 1: never read past C.
        int top = storeRows - 1;
        float* i1 = init + Math.Min(1, top) * initStride, i2 = init + Math.Min(2, top) * initStride, i3 = init + Math.Min(3, top) * initStride;
        float* i4 = init + Math.Min(4, top) * initStride, i5 = init + Math.Min(5, top) * initStride;
        TV c00 = Load<TS, TV>(init), c10 = Load<TS, TV>(i1), c20 = Load<TS, TV>(i2);
        TV c30 = Load<TS, TV>(i3), c40 = Load<TS, TV>(i4), c50 = Load<TS, TV>(i5);
        TV c01 = default, c11 = default, c21 = default, c31 = default, c41 = default, c51 = default;
        TV c02 = default, c12 = default, c22 = default, c32 = default, c42 = default, c52 = default;
        TV c03 = default, c13 = default, c23 = default, c33 = default, c43 = default, c53 = default;
        if (v2)
        {
            c01 = Load<TS, TV>(init + lanes); c11 = Load<TS, TV>(i1 + lanes); c21 = Load<TS, TV>(i2 + lanes);
            c31 = Load<TS, TV>(i3 + lanes); c41 = Load<TS, TV>(i4 + lanes); c51 = Load<TS, TV>(i5 + lanes);
        }
        if (v3)
        {
            c02 = Load<TS, TV>(init + nr); c12 = Load<TS, TV>(i1 + nr); c22 = Load<TS, TV>(i2 + nr);
            c32 = Load<TS, TV>(i3 + nr); c42 = Load<TS, TV>(i4 + nr); c52 = Load<TS, TV>(i5 + nr);
        }
        if (v4)
        {
            c03 = Load<TS, TV>(init + nr + lanes); c13 = Load<TS, TV>(i1 + nr + lanes); c23 = Load<TS, TV>(i2 + nr + lanes);
            c33 = Load<TS, TV>(i3 + nr + lanes); c43 = Load<TS, TV>(i4 + nr + lanes); c53 = Load<TS, TV>(i5 + nr + lanes);
        }
        for (float** end = rows + taps * TileRows; rows < end; rows += TileRows)
        {
            float* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3], a4 = rows[4], a5 = rows[5];
            nint j = 0;
            for (int kk = depth; kk > 0; kk--, j += kStride, bp += nr)
            {
                if (Sse.IsSupported && prefetch < prefetchEnd) { Sse.Prefetch1(prefetch); prefetch += 64; }
                TV b0 = Load<TS, TV>(bp);
                TV b1 = v2 ? Load<TS, TV>(bp + lanes) : default;
                TV b2 = v3 ? Load<TS, TV>(bp + panelStride) : default;
                TV b3 = v4 ? Load<TS, TV>(bp + panelStride + lanes) : default;
                TV y = TS.Broadcast(a0[j]);
                c00 = TS.MultiplyAdd(y, b0, c00);
                if (v2) c01 = TS.MultiplyAdd(y, b1, c01);
                if (v3) c02 = TS.MultiplyAdd(y, b2, c02);
                if (v4) c03 = TS.MultiplyAdd(y, b3, c03);
                y = TS.Broadcast(a1[j]);
                c10 = TS.MultiplyAdd(y, b0, c10);
                if (v2) c11 = TS.MultiplyAdd(y, b1, c11);
                if (v3) c12 = TS.MultiplyAdd(y, b2, c12);
                if (v4) c13 = TS.MultiplyAdd(y, b3, c13);
                y = TS.Broadcast(a2[j]);
                c20 = TS.MultiplyAdd(y, b0, c20);
                if (v2) c21 = TS.MultiplyAdd(y, b1, c21);
                if (v3) c22 = TS.MultiplyAdd(y, b2, c22);
                if (v4) c23 = TS.MultiplyAdd(y, b3, c23);
                y = TS.Broadcast(a3[j]);
                c30 = TS.MultiplyAdd(y, b0, c30);
                if (v2) c31 = TS.MultiplyAdd(y, b1, c31);
                if (v3) c32 = TS.MultiplyAdd(y, b2, c32);
                if (v4) c33 = TS.MultiplyAdd(y, b3, c33);
                y = TS.Broadcast(a4[j]);
                c40 = TS.MultiplyAdd(y, b0, c40);
                if (v2) c41 = TS.MultiplyAdd(y, b1, c41);
                if (v3) c42 = TS.MultiplyAdd(y, b2, c42);
                if (v4) c43 = TS.MultiplyAdd(y, b3, c43);
                y = TS.Broadcast(a5[j]);
                c50 = TS.MultiplyAdd(y, b0, c50);
                if (v2) c51 = TS.MultiplyAdd(y, b1, c51);
                if (v3) c52 = TS.MultiplyAdd(y, b2, c52);
                if (v4) c53 = TS.MultiplyAdd(y, b3, c53);
            }
        }
        if (!last)
        {
            // Raw partial sums between depth slices (the blocked path: whole panels only).
            StorePartial<TS, TV, TP>(c00, c01, c02, c03, c, nr);
            if (storeRows > 1) StorePartial<TS, TV, TP>(c10, c11, c12, c13, c + ldc, nr);
            if (storeRows > 2) StorePartial<TS, TV, TP>(c20, c21, c22, c23, c + 2 * ldc, nr);
            if (storeRows > 3) StorePartial<TS, TV, TP>(c30, c31, c32, c33, c + 3 * ldc, nr);
            if (storeRows > 4) StorePartial<TS, TV, TP>(c40, c41, c42, c43, c + 4 * ldc, nr);
            if (storeRows > 5) StorePartial<TS, TV, TP>(c50, c51, c52, c53, c + 5 * ldc, nr);
            return;
        }
        nint rs = r == null ? 0 : ldc;
        float* r2 = r == null ? null : r + nr;
        StoreRow<TS, TV, TAct>(c00, c01, c, r, valid, spill);
        if (v3) StoreRow<TS, TV, TAct>(c02, c03, c + nr, r2, valid2, spill);
        if (storeRows > 1)
        {
            StoreRow<TS, TV, TAct>(c10, c11, c + ldc, r + rs, valid, spill);
            if (v3) StoreRow<TS, TV, TAct>(c12, c13, c + ldc + nr, r2 + rs, valid2, spill);
        }
        if (storeRows > 2)
        {
            StoreRow<TS, TV, TAct>(c20, c21, c + 2 * ldc, r + 2 * rs, valid, spill);
            if (v3) StoreRow<TS, TV, TAct>(c22, c23, c + 2 * ldc + nr, r2 + 2 * rs, valid2, spill);
        }
        if (storeRows > 3)
        {
            StoreRow<TS, TV, TAct>(c30, c31, c + 3 * ldc, r + 3 * rs, valid, spill);
            if (v3) StoreRow<TS, TV, TAct>(c32, c33, c + 3 * ldc + nr, r2 + 3 * rs, valid2, spill);
        }
        if (storeRows > 4)
        {
            StoreRow<TS, TV, TAct>(c40, c41, c + 4 * ldc, r + 4 * rs, valid, spill);
            if (v3) StoreRow<TS, TV, TAct>(c42, c43, c + 4 * ldc + nr, r2 + 4 * rs, valid2, spill);
        }
        if (storeRows > 5)
        {
            StoreRow<TS, TV, TAct>(c50, c51, c + 5 * ldc, r + 5 * rs, valid, spill);
            if (v3) StoreRow<TS, TV, TAct>(c52, c53, c + 5 * ldc + nr, r2 + 5 * rs, valid2, spill);
        }
    }

    /// <summary>One row's raw partial sums: the tile's vectors (whole panels, so 2 or 4) back to C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void StorePartial<TS, TV, TP>(TV v0, TV v1, TV v2, TV v3, float* c, nint nr) where TS : ISimd<TV> where TV : struct where TP : IPanels
    {
        int lanes = TS.Lanes;
        Store<TS, TV>(v0, c);
        if (TP.Vectors >= 2) Store<TS, TV>(v1, c + lanes);
        if (TP.Vectors >= 3) Store<TS, TV>(v2, c + nr);
        if (TP.Vectors == 4) Store<TS, TV>(v3, c + nr + lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Tile1<TS, TV, TAct>(float* a, nint kStride, float* bp, int k, nint nr, float* init, bool last, float* c, float* r, int valid, float* spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes;
        TV c0 = Load<TS, TV>(init), c1 = Load<TS, TV>(init + lanes);
        for (; k > 0; k--, a += kStride, bp += nr)
        {
            TV x = TS.Broadcast(*a);
            c0 = TS.MultiplyAdd(x, Load<TS, TV>(bp), c0);
            c1 = TS.MultiplyAdd(x, Load<TS, TV>(bp + lanes), c1);
        }
        if (last) StoreRow<TS, TV, TAct>(c0, c1, c, r, valid, spill);
        else { Store<TS, TV>(c0, c); Store<TS, TV>(c1, c + lanes); }
    }

    /// <summary>
    /// The one-row tile over two whole panels (<paramref name="panelStride"/> floats apart in B):
    /// the one-row GEMV of a classifier head. Four accumulator chains instead of two, and two weight
    /// streams in flight: 960->1280 with weights from memory 139 -> 123 us. Same order of sums per column.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static unsafe void Tile1Pair<TS, TV, TAct>(float* a, nint kStride, float* bp, int k, nint nr, float* init, bool last, float* c, float* r, int valid, float* spill, nint panelStride)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes;
        TV c0 = Load<TS, TV>(init), c1 = Load<TS, TV>(init + lanes);
        TV c2 = Load<TS, TV>(init + nr), c3 = Load<TS, TV>(init + nr + lanes);
        float* bq = bp + panelStride;
        for (; k > 0; k--, a += kStride, bp += nr, bq += nr)
        {
            TV x = TS.Broadcast(*a);
            c0 = TS.MultiplyAdd(x, Load<TS, TV>(bp), c0);
            c1 = TS.MultiplyAdd(x, Load<TS, TV>(bp + lanes), c1);
            c2 = TS.MultiplyAdd(x, Load<TS, TV>(bq), c2);
            c3 = TS.MultiplyAdd(x, Load<TS, TV>(bq + lanes), c3);
        }
        if (last)
        {
            StoreRow<TS, TV, TAct>(c0, c1, c, r, 2 * lanes, spill);
            StoreRow<TS, TV, TAct>(c2, c3, c + nr, r == null ? null : r + nr, valid, spill);
        }
        else { Store<TS, TV>(c0, c); Store<TS, TV>(c1, c + lanes); Store<TS, TV>(c2, c + nr); Store<TS, TV>(c3, c + nr + lanes); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe TV Load<TS, TV>(float* p) where TS : ISimd<TV> where TV : struct => TS.Load(ref *p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Store<TS, TV>(TV v, float* p) where TS : ISimd<TV> where TV : struct => TS.Store(v, ref *p);

    /// <summary>Activation, optional residual (<paramref name="r"/> null when none), then a store of the row's valid columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void StoreRow<TS, TV, TAct>(TV v0, TV v1, float* c, float* r, int valid, float* spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes;
        v0 = TAct.Apply<TS, TV>(v0);
        v1 = TAct.Apply<TS, TV>(v1);
        if (valid == 2 * lanes)
        {
            if (r != null) { v0 = TS.Add(v0, Load<TS, TV>(r)); v1 = TS.Add(v1, Load<TS, TV>(r + lanes)); }
            Store<TS, TV>(v0, c);
            Store<TS, TV>(v1, c + lanes);
            return;
        }
        // Partial panel: whole vectors go straight out; only the last partial one spills to the stack
        // and is copied column by column (no read or write past the row).
        if (valid >= lanes)
        {
            if (r != null) v0 = TS.Add(v0, Load<TS, TV>(r));
            Store<TS, TV>(v0, c);
            Store<TS, TV>(v1, spill);
            for (int j = lanes; j < valid; j++) c[j] = spill[j - lanes] + (r != null ? r[j] : 0f);
            return;
        }
        Store<TS, TV>(v0, spill);
        for (int j = 0; j < valid; j++) c[j] = spill[j] + (r != null ? r[j] : 0f);
    }

    /// <summary>Portable path when no vector width is accelerated.</summary>
    static void ScalarGemm(PackedGemmWeights b, ReadOnlySpan<float> a, int m, int lda, Span<float> c, int ldc, Activation act, ReadOnlySpan<float> r, int panelStart, int panelEnd)
    {
        var data = b.Data;
        int nr = b.PanelWidth;
        for (int row = 0; row < m; row++)
            for (int col = panelStart * nr; col < Math.Min(b.N, panelEnd * nr); col++)
            {
                int p = col / nr, j = col % nr;
                float acc = b.Bias[col];
                for (int k0 = 0; k0 < b.K; k0 += b.DepthSlice)
                {
                    long baseIndex = b.Offset(p, k0) + j;
                    for (int kk = k0; kk < Math.Min(b.K, k0 + b.DepthSlice); kk++)
                        acc = MathF.FusedMultiplyAdd(a[row * lda + kk], data[(int)(baseIndex + (kk - k0) * nr)], acc);
                }
                acc = Activations.Apply(act, acc);
                c[row * ldc + col] = r.IsEmpty ? acc : acc + r[row * ldc + col];
            }
    }
}
