using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MobileNets.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// A full convolution over few input channels (the RGB stem) straight from the NHWC input: per
/// output pixel and weight panel, broadcast each in-range input value and multiply-add its weight
/// row. Gathering 27-value im2col rows would cost more than the arithmetic here.
/// The weights are the im2col packing, rows ordered (ky, kx, ci).
/// </summary>
internal static class DirectConv
{
    public static void Run(PackedGemmWeights b, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, Activation act, int pixelStart, int pixelEnd)
    {
        if (b.K != g.Kernel * g.Kernel * s.Channels) throw new ArgumentException("direct convolution weight shape mismatch");
        switch (b.Width)
        {
            case SimdWidth.V512: Dispatch<Simd512, Vector512<float>>(b, x, s, y, g, act, pixelStart, pixelEnd); break;
            case SimdWidth.V256: Dispatch<Simd256, Vector256<float>>(b, x, s, y, g, act, pixelStart, pixelEnd); break;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Run<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, int pixelStart, int pixelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int cin = s.Channels, k = g.Kernel, d = g.Dilation, terms = k * k * cin;
        // Input offsets of the (ky, kx, ci) terms relative to a pixel's top-left tap: interior pixels
        // run one flat loop over them, two pixels at a time sharing each weight load.
        Span<int> offsets = stackalloc int[terms];
        Span<float> spill = stackalloc float[4 * 16];
        for (int ky = 0, t = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                for (int ci = 0; ci < cin; ci++) offsets[t++] = (ky * d * s.Width + kx * d) * cin + ci;
        int span = (k - 1) * d;
        int oxBegin = Math.Min(g.OutWidth, (g.PadLeft + g.Stride - 1) / g.Stride);
        int oxEnd = s.Width - 1 - span + g.PadLeft < 0 ? 0 : Math.Min(g.OutWidth, (s.Width - 1 - span + g.PadLeft) / g.Stride + 1);
        if (oxEnd < oxBegin) oxEnd = oxBegin;

        int oy = pixelStart / g.OutWidth, ox = pixelStart % g.OutWidth;
        int pixel = pixelStart;
        while (pixel < pixelEnd)
        {
            int iy0 = oy * g.Stride - g.PadTop;
            bool rowInside = iy0 >= 0 && iy0 + span <= s.Height - 1;
            int rowEndPixel = Math.Min(pixelEnd, pixel + (g.OutWidth - ox));
            if (rowInside && ox >= oxBegin && ox + 1 < oxEnd && pixel + 1 < rowEndPixel)
            {
                Pair<TS, TV, TAct>(b, x, y, s, g, offsets, pixel, iy0, ox, spill);
                pixel += 2; ox += 2;
            }
            else
            {
                Single<TS, TV, TAct>(b, x, y, s, g, pixel, iy0, ox, spill);
                pixel++; ox++;
            }
            if (ox == g.OutWidth) { ox = 0; oy++; }
        }
    }

    /// <summary>
    /// Two horizontally adjacent interior pixels: every tap in range, one weight load per two FMAs.
    /// Kept out of line with raw pointers: inlined into the pixel loop, the JIT ran out of registers
    /// and spilled the accumulators to the stack on every tap.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static unsafe void Pair<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> x, Span<float> y, FeatureShape s, ConvGeometry g,
        ReadOnlySpan<int> offsets, int pixel, int iy0, int ox, Span<float> spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes, nr = b.PanelWidth, n = b.N, cin = s.Channels, terms = offsets.Length;
        fixed (float* px = x, pw = b.Data, pbias = b.Bias)
        fixed (int* off = offsets)
        {
            float* xa = px + (iy0 * s.Width + ox * g.Stride - g.PadLeft) * cin;
            float* xb = xa + g.Stride * cin;
            for (int p = 0; p < b.Panels; p++)
            {
                float* w = pw + (long)p * b.K * nr;
                TV a0 = TS.Load(ref pbias[p * nr]), a1 = TS.Load(ref pbias[p * nr + lanes]);
                TV c0 = TS.Load(ref pbias[p * nr]), c1 = TS.Load(ref pbias[p * nr + lanes]);   // not copies of a0/a1: those made the JIT keep c0/c1 on the stack
                for (int t = 0; t < terms; t++, w += nr)
                {
                    int o = off[t];
                    TV w0 = TS.Load(ref w[0]), w1 = TS.Load(ref w[lanes]);
                    TV va = TS.Broadcast(xa[o]), vb = TS.Broadcast(xb[o]);
                    a0 = TS.MultiplyAdd(va, w0, a0); a1 = TS.MultiplyAdd(va, w1, a1);
                    c0 = TS.MultiplyAdd(vb, w0, c0); c1 = TS.MultiplyAdd(vb, w1, c1);
                }
                // Through the stack rather than a helper taking the vectors by value: passing them made
                // the JIT keep c0/c1 in memory for the whole loop.
                TS.Store(TAct.Apply<TS, TV>(a0), ref spill[0]);
                TS.Store(TAct.Apply<TS, TV>(a1), ref spill[lanes]);
                TS.Store(TAct.Apply<TS, TV>(c0), ref spill[2 * lanes]);
                TS.Store(TAct.Apply<TS, TV>(c1), ref spill[3 * lanes]);
                int col = p * nr, valid = Math.Min(nr, n - col);
                spill[..valid].CopyTo(y.Slice(pixel * n + col, valid));
                spill.Slice(2 * lanes, valid).CopyTo(y.Slice((pixel + 1) * n + col, valid));
            }
        }
    }

    /// <summary>Any pixel: the taps are clipped to the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Single<TS, TV, TAct>(PackedGemmWeights b, ReadOnlySpan<float> x, Span<float> y, FeatureShape s, ConvGeometry g, int pixel, int iy0, int ox, Span<float> spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes, nr = b.PanelWidth, cin = s.Channels, k = g.Kernel, d = g.Dilation, n = b.N;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        int ix0 = ox * g.Stride - g.PadLeft;
        var (kyBegin, kyEnd) = TapRange(iy0, s.Height, k, d);
        var (kxBegin, kxEnd) = TapRange(ix0, s.Width, k, d);
        for (int p = 0; p < b.Panels; p++)
        {
            ref float bp = ref b.Data[p * b.K * nr];
            TV acc0 = TS.Load(ref b.Bias[p * nr]), acc1 = TS.Load(ref b.Bias[p * nr + lanes]);
            for (int ky = kyBegin; ky < kyEnd; ky++)
                for (int kx = kxBegin; kx < kxEnd; kx++)
                {
                    ref float xp = ref Unsafe.Add(ref x0, ((iy0 + ky * d) * s.Width + ix0 + kx * d) * cin);
                    ref float wp = ref Unsafe.Add(ref bp, (ky * k + kx) * cin * nr);
                    for (int ci = 0; ci < cin; ci++)
                    {
                        TV v = TS.Broadcast(Unsafe.Add(ref xp, ci));
                        acc0 = TS.MultiplyAdd(v, TS.Load(ref Unsafe.Add(ref wp, ci * nr)), acc0);
                        acc1 = TS.MultiplyAdd(v, TS.Load(ref Unsafe.Add(ref wp, ci * nr + lanes)), acc1);
                    }
                }
            int col = p * nr;
            Store<TS, TV, TAct>(acc0, acc1, y.Slice(pixel * n + col, Math.Min(nr, n - col)), spill);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store<TS, TV, TAct>(TV v0, TV v1, Span<float> destination, Span<float> spill)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int lanes = TS.Lanes;
        v0 = TAct.Apply<TS, TV>(v0);
        v1 = TAct.Apply<TS, TV>(v1);
        if (destination.Length == 2 * lanes)
        {
            TS.Store(v0, ref destination[0]);
            TS.Store(v1, ref destination[lanes]);
            return;
        }
        TS.Store(v0, ref spill[0]);
        TS.Store(v1, ref spill[lanes]);
        spill[..destination.Length].CopyTo(destination);
    }
}
