using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MobileNets.Kernels;

/// <summary>
/// C[m, n] = act(sum_k A[m, k] * B[k, n] + bias[n]) (+ R[m, n]): the pointwise-convolution and
/// linear-layer kernel. A row-major with leading dimension lda (NHWC pixels x channels), B packed
/// (<see cref="PackedGemmWeights"/>), C and R with leading dimension ldc. Register tile: 6 rows x
/// 2 vectors (12 accumulators), broadcast A, two FMAs per row per k.
/// </summary>
internal static class Gemm
{
    const int TileRows = 6;

    /// <remarks>Only output column panels [panelStart, panelEnd) are computed: threads split narrow GEMMs by columns.</remarks>
    public static void Run(PackedGemmWeights b, ReadOnlySpan<float> a, int m, int lda, Span<float> c, int ldc, Activation act,
        ReadOnlySpan<float> residual = default, int panelStart = 0, int panelEnd = int.MaxValue)
    {
        if (m == 0) return;
        if (!Activations.IsFusable(act)) throw new ArgumentException($"{act} is not fused in kernels", nameof(act));
        if ((long)(m - 1) * lda + b.K > a.Length || (long)(m - 1) * ldc + b.N > c.Length) throw new ArgumentException("GEMM operand too small");
        if (!residual.IsEmpty && (long)(m - 1) * ldc + b.N > residual.Length) throw new ArgumentException("residual too small");
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Run<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> a, int m, int lda, Span<float> c, int ldc, ReadOnlySpan<float> r, int panelStart, int panelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes, nr = b.PanelWidth, k = b.K, n = b.N;
        ref float a0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref float c0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(c);
        ref float r0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r);
        bool hasResidual = !r.IsEmpty;
        Span<float> spill = stackalloc float[2 * 16];
        ref float sp = ref spill[0];
        for (int row = 0; row < m; row += TileRows)
        {
            int rows = Math.Min(TileRows, m - row);
            for (int p = panelStart; p < panelEnd; p++)
            {
                int col = p * nr, valid = Math.Min(nr, n - col);
                ref float bp = ref b.Data[p * k * nr];
                TV bias0 = TS.Load(ref b.Bias[col]), bias1 = TS.Load(ref b.Bias[col + lanes]);
                ref float ar = ref Unsafe.Add(ref a0, row * lda);
                ref float cr = ref Unsafe.Add(ref c0, row * ldc + col);
                ref float rr = ref hasResidual ? ref Unsafe.Add(ref r0, row * ldc + col) : ref sp;
                if (rows == TileRows)
                    Tile6<TS, TV, TAct>(ref ar, lda, ref bp, k, nr, bias0, bias1, ref cr, ldc, ref rr, hasResidual, valid, ref sp);
                else
                    for (int i = 0; i < rows; i++)
                        Tile1<TS, TV, TAct>(ref Unsafe.Add(ref ar, i * lda), ref bp, k, nr, bias0, bias1,
                            ref Unsafe.Add(ref cr, i * ldc), ref hasResidual ? ref Unsafe.Add(ref rr, i * ldc) : ref sp, hasResidual, valid, ref sp);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Tile6<TS, TV, TAct>(ref float a, int lda, ref float bp, int k, int nr, TV bias0, TV bias1,
        ref float c, int ldc, ref float r, bool hasResidual, int valid, ref float spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes;
        TV c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        TV c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
        ref float a1 = ref Unsafe.Add(ref a, lda), a2 = ref Unsafe.Add(ref a, 2 * lda);
        ref float a3 = ref Unsafe.Add(ref a, 3 * lda), a4 = ref Unsafe.Add(ref a, 4 * lda), a5 = ref Unsafe.Add(ref a, 5 * lda);
        for (int i = 0; i < k; i++)
        {
            ref float bi = ref Unsafe.Add(ref bp, i * nr);
            TV b0 = TS.Load(ref bi), b1 = TS.Load(ref Unsafe.Add(ref bi, lanes));
            TV x = TS.Broadcast(Unsafe.Add(ref a, i)); c00 = TS.MultiplyAdd(x, b0, c00); c01 = TS.MultiplyAdd(x, b1, c01);
            x = TS.Broadcast(Unsafe.Add(ref a1, i)); c10 = TS.MultiplyAdd(x, b0, c10); c11 = TS.MultiplyAdd(x, b1, c11);
            x = TS.Broadcast(Unsafe.Add(ref a2, i)); c20 = TS.MultiplyAdd(x, b0, c20); c21 = TS.MultiplyAdd(x, b1, c21);
            x = TS.Broadcast(Unsafe.Add(ref a3, i)); c30 = TS.MultiplyAdd(x, b0, c30); c31 = TS.MultiplyAdd(x, b1, c31);
            x = TS.Broadcast(Unsafe.Add(ref a4, i)); c40 = TS.MultiplyAdd(x, b0, c40); c41 = TS.MultiplyAdd(x, b1, c41);
            x = TS.Broadcast(Unsafe.Add(ref a5, i)); c50 = TS.MultiplyAdd(x, b0, c50); c51 = TS.MultiplyAdd(x, b1, c51);
        }
        StoreRow<TS, TV, TAct>(c00, c01, ref c, ref r, hasResidual, valid, ref spill);
        StoreRow<TS, TV, TAct>(c10, c11, ref Unsafe.Add(ref c, ldc), ref Unsafe.Add(ref r, hasResidual ? ldc : 0), hasResidual, valid, ref spill);
        StoreRow<TS, TV, TAct>(c20, c21, ref Unsafe.Add(ref c, 2 * ldc), ref Unsafe.Add(ref r, hasResidual ? 2 * ldc : 0), hasResidual, valid, ref spill);
        StoreRow<TS, TV, TAct>(c30, c31, ref Unsafe.Add(ref c, 3 * ldc), ref Unsafe.Add(ref r, hasResidual ? 3 * ldc : 0), hasResidual, valid, ref spill);
        StoreRow<TS, TV, TAct>(c40, c41, ref Unsafe.Add(ref c, 4 * ldc), ref Unsafe.Add(ref r, hasResidual ? 4 * ldc : 0), hasResidual, valid, ref spill);
        StoreRow<TS, TV, TAct>(c50, c51, ref Unsafe.Add(ref c, 5 * ldc), ref Unsafe.Add(ref r, hasResidual ? 5 * ldc : 0), hasResidual, valid, ref spill);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Tile1<TS, TV, TAct>(ref float a, ref float bp, int k, int nr, TV bias0, TV bias1,
        ref float c, ref float r, bool hasResidual, int valid, ref float spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes;
        TV c0 = bias0, c1 = bias1;
        for (int i = 0; i < k; i++)
        {
            ref float bi = ref Unsafe.Add(ref bp, i * nr);
            TV x = TS.Broadcast(Unsafe.Add(ref a, i));
            c0 = TS.MultiplyAdd(x, TS.Load(ref bi), c0);
            c1 = TS.MultiplyAdd(x, TS.Load(ref Unsafe.Add(ref bi, lanes)), c1);
        }
        StoreRow<TS, TV, TAct>(c0, c1, ref c, ref r, hasResidual, valid, ref spill);
    }

    /// <summary>Activation, optional residual, then a store of the row's valid columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<TS, TV, TAct>(TV v0, TV v1, ref float c, ref float r, bool hasResidual, int valid, ref float spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes;
        v0 = TAct.Apply<TS, TV>(v0);
        v1 = TAct.Apply<TS, TV>(v1);
        if (valid == 2 * lanes)
        {
            if (hasResidual) { v0 = TS.Add(v0, TS.Load(ref r)); v1 = TS.Add(v1, TS.Load(ref Unsafe.Add(ref r, lanes))); }
            TS.Store(v0, ref c);
            TS.Store(v1, ref Unsafe.Add(ref c, lanes));
            return;
        }
        // Partial panel: whole vectors go straight out; only the last partial one spills to the stack
        // and is copied column by column (no read or write past the row).
        if (valid >= lanes)
        {
            if (hasResidual) v0 = TS.Add(v0, TS.Load(ref r));
            TS.Store(v0, ref c);
            TS.Store(v1, ref spill);
            for (int j = lanes; j < valid; j++)
                Unsafe.Add(ref c, j) = Unsafe.Add(ref spill, j - lanes) + (hasResidual ? Unsafe.Add(ref r, j) : 0f);
            return;
        }
        TS.Store(v0, ref spill);
        for (int j = 0; j < valid; j++)
            Unsafe.Add(ref c, j) = Unsafe.Add(ref spill, j) + (hasResidual ? Unsafe.Add(ref r, j) : 0f);
    }

    /// <summary>Portable path when no vector width is accelerated.</summary>
    static void ScalarGemm(PackedGemmWeights b, ReadOnlySpan<float> a, int m, int lda, Span<float> c, int ldc, Activation act, ReadOnlySpan<float> r, int panelStart, int panelEnd)
    {
        int nr = b.PanelWidth;
        for (int row = 0; row < m; row++)
            for (int col = panelStart * nr; col < Math.Min(b.N, panelEnd * nr); col++)
            {
                int p = col / nr, j = col % nr;
                float acc = b.Bias[col];
                int baseIndex = p * b.K * nr + j;
                for (int kk = 0; kk < b.K; kk++) acc = MathF.FusedMultiplyAdd(a[row * lda + kk], b.Data[baseIndex + kk * nr], acc);
                acc = Activations.Apply(act, acc);
                c[row * ldc + col] = r.IsEmpty ? acc : acc + r[row * ldc + col];
            }
    }
}
