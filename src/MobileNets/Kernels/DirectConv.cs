using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MobileNets.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// A full convolution over few input channels (the RGB stem) straight from the NHWC input: per
/// output pixel and vector of output channels, broadcast each in-range input value and multiply-add
/// its weight row. Gathering 27-value im2col rows would cost more than the arithmetic here.
/// The weights are the im2col packing, rows ordered (ky, kx, ci).
/// </summary>
internal static class DirectConv
{
    public static void Run(PackedGemmWeights b, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, Activation act, int pixelStart, int pixelEnd)
    {
        if (b.K != g.Kernel * g.Kernel * s.Channels || b.DepthSlice != b.K) throw new ArgumentException("direct convolution weight shape mismatch (or sliced packing)");
        // The blocked path reads and writes through raw pointers: check the extents once here.
        if (x.Length < s.Size || pixelStart < 0 || pixelEnd > g.OutHeight * g.OutWidth || y.Length < (long)pixelEnd * b.N)
            throw new ArgumentException("direct convolution input, output or pixel range out of bounds");
        // The packing fixes only the panel row (two vectors of b.Width); the kernel walks it in the
        // widest vectors that fit, so a 16-output stem packed for 256-bit runs one 512-bit vector per row.
        switch (b.Width)
        {
            case SimdWidth.V512:
            case SimdWidth.V256 when Vector512.IsHardwareAccelerated:
                Dispatch<Simd512, Vector512<float>>(b, x, s, y, g, act, pixelStart, pixelEnd); break;
            case SimdWidth.V256:
            case SimdWidth.V128 when Vector256.IsHardwareAccelerated:
                Dispatch<Simd256, Vector256<float>>(b, x, s, y, g, act, pixelStart, pixelEnd); break;
            case SimdWidth.V128: Dispatch<Simd128, Vector128<float>>(b, x, s, y, g, act, pixelStart, pixelEnd); break;
            default: throw new ArgumentException("direct convolution needs a vector width");
        }
    }

    static void Dispatch<TS, TV>(PackedGemmWeights b, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, Activation act, int p0, int p1)
        where TS : ISimd<TV> where TV : struct
    {
        switch (act)
        {
            case Activation.None: Run<TS, TV, IdentityOp>(b, x, s, y, g, p0, p1); break;
            case Activation.ReLU: Run<TS, TV, ReluOp>(b, x, s, y, g, p0, p1); break;
            case Activation.ReLU6: Run<TS, TV, Relu6Op>(b, x, s, y, g, p0, p1); break;
            case Activation.HardSwish: Run<TS, TV, HardSwishOp>(b, x, s, y, g, p0, p1); break;
            case Activation.HardSigmoid: Run<TS, TV, HardSigmoidOp>(b, x, s, y, g, p0, p1); break;
            default: throw new ArgumentException($"{act} is not fused in kernels", nameof(act));
        }
    }

    /// <summary>Taps [begin, end) of a kernel starting at input <paramref name="i0"/> that fall inside [0, size); no division when undilated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Begin, int End) TapRange(int i0, int size, int k, int d) => d == 1
        ? (i0 >= 0 ? 0 : -i0, Math.Min(k, size - i0))
        : (i0 >= 0 ? 0 : (-i0 + d - 1) / d, Math.Min(k, (size - 1 - i0) / d + 1));

    /// <summary>
    /// Adjacent output pixels <see cref="Blocked{TS, TV, TAct}"/> computes together: one accumulator
    /// each, so every weight load feeds 8 independent FMA chains, enough to hide the FMA latency
    /// (4 cycles, 2 per cycle) that one pixel's 27-term chain waits on.
    /// </summary>
    const int Block = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Run<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, int pixelStart, int pixelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int cin = s.Channels, k = g.Kernel, d = g.Dilation, terms = k * k * cin;
        // Input offsets of the (ky, kx, ci) terms relative to a pixel's top-left tap: blocked pixels
        // run one flat loop over them (over the kernel rows inside the input), with no clipping.
        Span<int> offsets = stackalloc int[terms];
        Span<float> spill = stackalloc float[Block * Vector512<float>.Count];
        for (int ky = 0, t = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                for (int ci = 0; ci < cin; ci++) offsets[t++] = (ky * d * s.Width + kx * d) * cin + ci;
        int span = (k - 1) * d;
        // Output columns [oxBegin, oxEnd) have every horizontal tap inside the input.
        int oxBegin = Math.Min(g.OutWidth, (g.PadLeft + g.Stride - 1) / g.Stride);
        int oxEnd = s.Width - 1 - span + g.PadLeft < 0 ? 0 : Math.Min(g.OutWidth, (s.Width - 1 - span + g.PadLeft) / g.Stride + 1);
        if (oxEnd < oxBegin) oxEnd = oxBegin;

        // One output row (or the part of it in [pixelStart, pixelEnd)) at a time. A run of at least
        // Block columns with every horizontal tap inside goes in blocks; a row clipped at the top or
        // bottom clips all its pixels alike, so the blocks just skip the kernel rows in the padding.
        // Every other column (taps in the side padding, or too few to fill a block) goes one by one.
        for (int pixel = pixelStart; pixel < pixelEnd;)
        {
            int oy = pixel / g.OutWidth, ox = pixel - oy * g.OutWidth;
            int rowEnd = Math.Min(g.OutWidth, ox + (pixelEnd - pixel));
            int iy0 = oy * g.Stride - g.PadTop;
            var (kyBegin, kyEnd) = TapRange(iy0, s.Height, k, d);
            int inBegin = Math.Clamp(oxBegin, ox, rowEnd), inEnd = Math.Clamp(oxEnd, inBegin, rowEnd);
            if (kyEnd <= kyBegin || inEnd - inBegin < Block) inBegin = inEnd = rowEnd;
            for (int c = ox; c < inBegin; c++) Single<TS, TV, TAct>(b, x, y, s, g, pixel + c - ox, iy0, c, spill);
            if (inEnd > inBegin)
                Blocked<TS, TV, TAct>(b, x, y, s, g, offsets, kyBegin * k * cin, kyEnd * k * cin, pixel + inBegin - ox, iy0, inBegin, inEnd - inBegin, spill);
            for (int c = inEnd; c < rowEnd; c++) Single<TS, TV, TAct>(b, x, y, s, g, pixel + c - ox, iy0, c, spill);
            pixel += rowEnd - ox;
        }
    }

    /// <summary>
    /// <paramref name="count"/> &gt;= <see cref="Block"/> adjacent pixels of one row whose terms
    /// [<paramref name="tBegin"/>, <paramref name="tEnd"/>) are all inside the input, in blocks of
    /// Block; the last block is shifted back to end at the last pixel and recomputes a few (identical)
    /// outputs rather than taking a slower path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Blocked<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> x, Span<float> y, FeatureShape s, ConvGeometry g,
        ReadOnlySpan<int> offsets, int tBegin, int tEnd, int pixel, int iy0, int ox, int count, Span<float> spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes, nr = b.PanelWidth, n = b.N, cin = s.Channels, terms = tEnd - tBegin;
        fixed (float* px = x, pw = b.Data, pbias = b.Bias, py = y, ps = spill)
        fixed (int* off = offsets)
        {
            for (int j0 = 0; j0 < count; j0 += Block)
            {
                int j = Math.Min(j0, count - Block);
                // The top-left tap's address, above the input when the top rows are padding: only the
                // terms from tBegin on, which land inside, are read through it.
                float* x0 = px + (iy0 * s.Width + (ox + j) * g.Stride - g.PadLeft) * cin;
                for (int col = 0; col < n; col += lanes)
                {
                    float* w = pw + ((long)(col / nr) * b.K + tBegin) * nr + col % nr;
                    // A full vector goes straight to the output, the last partial one through the spill rows.
                    int valid = Math.Min(lanes, n - col);
                    if (valid == lanes)
                        Tile<TS, TV, TAct>(x0, g.Stride * cin, w, nr, pbias + col, off + tBegin, terms, py + (long)(pixel + j) * n + col, n);
                    else
                    {
                        Tile<TS, TV, TAct>(x0, g.Stride * cin, w, nr, pbias + col, off + tBegin, terms, ps, lanes);
                        for (int i = 0; i < Block; i++) spill.Slice(i * lanes, valid).CopyTo(y.Slice((pixel + j + i) * n + col, valid));
                    }
                }
            }
        }
    }

    /// <summary>
    /// One vector of outputs for <see cref="Block"/> pixels <paramref name="step"/> floats apart from
    /// <paramref name="x0"/>, stored <paramref name="ys"/> floats apart from <paramref name="y"/>.
    /// Its own small method, the pixels addressed from two bases, so that the 8 accumulators, the
    /// weight and every address stay in registers through the term loop (within the caller the JIT
    /// reloaded the addresses from the stack every term).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static unsafe void Tile<TS, TV, TAct>(float* x0, nint step, float* w, nint ws, float* bias, int* off, int terms, float* y, nint ys)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        nint step2 = 2 * step, step3 = 3 * step, step4 = 4 * step;
        // Separate loads, not copies of one: copies made the JIT keep the others on the stack.
        TV a0 = TS.Load(ref *bias), a1 = TS.Load(ref *bias), a2 = TS.Load(ref *bias), a3 = TS.Load(ref *bias);
        TV a4 = TS.Load(ref *bias), a5 = TS.Load(ref *bias), a6 = TS.Load(ref *bias), a7 = TS.Load(ref *bias);
        for (int* o = off, end = off + terms; o < end; o++, w += ws)
        {
            TV wv = TS.Load(ref *w);
            float* p = x0 + *o, q = p + step4;
            a0 = TS.MultiplyAdd(TS.Broadcast(p[0]), wv, a0);
            a1 = TS.MultiplyAdd(TS.Broadcast(p[step]), wv, a1);
            a2 = TS.MultiplyAdd(TS.Broadcast(p[step2]), wv, a2);
            a3 = TS.MultiplyAdd(TS.Broadcast(p[step3]), wv, a3);
            a4 = TS.MultiplyAdd(TS.Broadcast(q[0]), wv, a4);
            a5 = TS.MultiplyAdd(TS.Broadcast(q[step]), wv, a5);
            a6 = TS.MultiplyAdd(TS.Broadcast(q[step2]), wv, a6);
            a7 = TS.MultiplyAdd(TS.Broadcast(q[step3]), wv, a7);
        }
        // Stored inline rather than through a helper taking the vectors by value: passing them made
        // the JIT keep the accumulators in memory for the whole loop.
        TS.Store(TAct.Apply<TS, TV>(a0), ref y[0]);
        TS.Store(TAct.Apply<TS, TV>(a1), ref y[ys]);
        TS.Store(TAct.Apply<TS, TV>(a2), ref y[2 * ys]);
        TS.Store(TAct.Apply<TS, TV>(a3), ref y[3 * ys]);
        TS.Store(TAct.Apply<TS, TV>(a4), ref y[4 * ys]);
        TS.Store(TAct.Apply<TS, TV>(a5), ref y[5 * ys]);
        TS.Store(TAct.Apply<TS, TV>(a6), ref y[6 * ys]);
        TS.Store(TAct.Apply<TS, TV>(a7), ref y[7 * ys]);
    }

    /// <summary>Any pixel: the taps are clipped to the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Single<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> x, Span<float> y, FeatureShape s, ConvGeometry g, int pixel, int iy0, int ox, Span<float> spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes, nr = b.PanelWidth, cin = s.Channels, k = g.Kernel, d = g.Dilation, n = b.N;
        int ix0 = ox * g.Stride - g.PadLeft;
        var (kyBegin, kyEnd) = TapRange(iy0, s.Height, k, d);
        var (kxBegin, kxEnd) = TapRange(ix0, s.Width, k, d);
        fixed (float* px = x, pw = b.Data, pbias = b.Bias)
        {
            for (int col = 0; col < n; col += lanes)
            {
                float* w = pw + (long)(col / nr) * b.K * nr + col % nr;
                // A partial sum per kernel row: the rows' FMA chains are independent and overlap,
                // rather than all 27 terms waiting on one accumulator.
                TV acc = TS.Load(ref pbias[col]);
                for (int ky = kyBegin; ky < kyEnd; ky++)
                {
                    TV row = TS.Zero;
                    for (int kx = kxBegin; kx < kxEnd; kx++)
                    {
                        float* xp = px + ((iy0 + ky * d) * s.Width + ix0 + kx * d) * cin;
                        float* wp = w + (ky * k + kx) * cin * nr;
                        for (int ci = 0; ci < cin; ci++)
                            row = TS.MultiplyAdd(TS.Broadcast(xp[ci]), TS.Load(ref wp[ci * nr]), row);
                    }
                    acc = TS.Add(acc, row);
                }
                acc = TAct.Apply<TS, TV>(acc);
                int valid = Math.Min(lanes, n - col);
                if (valid == lanes) TS.Store(acc, ref y[pixel * n + col]);
                else
                {
                    TS.Store(acc, ref spill[0]);
                    spill[..valid].CopyTo(y.Slice(pixel * n + col, valid));
                }
            }
        }
    }
}
