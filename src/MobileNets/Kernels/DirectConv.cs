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
        int lanes = TS.Lanes, nr = b.PanelWidth, cin = s.Channels, k = g.Kernel, d = g.Dilation, n = b.N;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        Span<float> spill = stackalloc float[2 * 16];
        int oy = pixelStart / g.OutWidth, ox = pixelStart % g.OutWidth;
        for (int pixel = pixelStart; pixel < pixelEnd; pixel++, ox++)
        {
            if (ox == g.OutWidth) { ox = 0; oy++; }
            int iy0 = oy * g.Stride - g.PadTop, ix0 = ox * g.Stride - g.PadLeft;
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
                int col = p * nr, valid = Math.Min(nr, n - col);
                ref float yp = ref Unsafe.Add(ref y0, pixel * n + col);
                acc0 = TAct.Apply<TS, TV>(acc0);
                acc1 = TAct.Apply<TS, TV>(acc1);
                if (valid == nr) { TS.Store(acc0, ref yp); TS.Store(acc1, ref Unsafe.Add(ref yp, lanes)); continue; }
                TS.Store(acc0, ref spill[0]);
                TS.Store(acc1, ref spill[lanes]);
                for (int j = 0; j < valid; j++) Unsafe.Add(ref yp, j) = spill[j];
            }
        }
    }
}
