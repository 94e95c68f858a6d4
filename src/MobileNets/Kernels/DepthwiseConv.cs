using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MobileNets.Tensors;

namespace MobileNets.Kernels;

/// <summary>Depthwise weights packed tap-major ([k*k][C], channels contiguous) so a vector of channels loads at once.</summary>
internal sealed class PackedDepthwiseWeights
{
    public int Channels { get; }
    public int Kernel { get; }
    public SimdWidth Width { get; }
    /// <summary>Tap-major weights (64-byte aligned).</summary>
    public Span<float> Data => _data.Span;
    readonly Tensors.AlignedBuffer _data;
    public float[] Bias { get; }

    /// <param name="weights">PyTorch order [C][1][k][k].</param>
    public PackedDepthwiseWeights(ReadOnlySpan<float> weights, int channels, int kernel, ReadOnlySpan<float> bias, SimdWidth width)
    {
        Channels = channels; Kernel = kernel; Width = width;
        int taps = kernel * kernel;
        _data = new Tensors.AlignedBuffer(taps * channels);
        var data = Data;
        Bias = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            for (int t = 0; t < taps; t++) data[t * channels + c] = weights[c * taps + t];
            if (!bias.IsEmpty) Bias[c] = bias[c];
        }
    }
}

/// <summary>
/// NHWC depthwise convolution. Interior pixels of 3x3 and 5x5 kernels run a row at a time with a
/// channel vector's weights held in registers (one load per multiply-add, XNNPACK's dwconv idea
/// without its indirection buffer); border pixels and other kernel sizes clip the tap range per
/// pixel. Channels are covered by the widest vectors first, the remainder by narrower ones, then
/// scalars, so channel counts like 72 or 120 never fall back to scalar code for whole vectors.
/// </summary>
internal static class DepthwiseConv
{
    public static void Run(PackedDepthwiseWeights w, ReadOnlySpan<float> x, FeatureShape input, Span<float> y, ConvGeometry g, Activation act, int rowStart = 0, int rowEnd = int.MaxValue)
    {
        if (input.Channels != w.Channels || g.Kernel != w.Kernel) throw new ArgumentException("depthwise shape mismatch");
        if (x.Length < input.Size || y.Length < g.OutHeight * g.OutWidth * w.Channels) throw new ArgumentException("depthwise buffer too small");
        rowEnd = Math.Min(rowEnd, g.OutHeight);
        switch (act)
        {
            case Activation.None: Run<IdentityOp>(w, x, input, y, g, rowStart, rowEnd); break;
            case Activation.ReLU: Run<ReluOp>(w, x, input, y, g, rowStart, rowEnd); break;
            case Activation.ReLU6: Run<Relu6Op>(w, x, input, y, g, rowStart, rowEnd); break;
            case Activation.HardSwish: Run<HardSwishOp>(w, x, input, y, g, rowStart, rowEnd); break;
            case Activation.HardSigmoid: Run<HardSigmoidOp>(w, x, input, y, g, rowStart, rowEnd); break;
            default: throw new ArgumentException($"{act} is not fused in kernels", nameof(act));
        }
    }

    static void Run<TAct>(PackedDepthwiseWeights w, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, int r0, int r1)
        where TAct : IActivationOp
    {
        int c = s.Channels, begin = 0;
        if (w.Width >= SimdWidth.V512) { int end = c - c % 16; Rows<Simd512, Vector512<float>, TAct>(w, x, s, y, g, r0, r1, begin, end); begin = end; }
        if (w.Width >= SimdWidth.V256) { int end = begin + (c - begin) / 8 * 8; Rows<Simd256, Vector256<float>, TAct>(w, x, s, y, g, r0, r1, begin, end); begin = end; }
        if (w.Width >= SimdWidth.V128) { int end = begin + (c - begin) / 4 * 4; Rows<Simd128, Vector128<float>, TAct>(w, x, s, y, g, r0, r1, begin, end); begin = end; }
        if (begin < c) ScalarRows<TAct>(w, x, s, y, g, r0, r1, begin, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Rows<TS, TV, TAct>(PackedDepthwiseWeights w, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g,
        int rowStart, int rowEnd, int channelBegin, int channelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        if (channelEnd <= channelBegin) return;
        int k = g.Kernel, span = (k - 1) * g.Dilation;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        ref float w0 = ref w.Data[0];
        ref float b0 = ref w.Bias[0];
        // Output columns whose every tap lies inside the input.
        int oxBegin = Math.Min(g.OutWidth, (g.PadLeft + g.Stride - 1) / g.Stride);
        int oxEnd = s.Width - 1 - span + g.PadLeft < 0 ? 0 : Math.Min(g.OutWidth, (s.Width - 1 - span + g.PadLeft) / g.Stride + 1);
        if (oxEnd < oxBegin) oxEnd = oxBegin;
        bool unrolled = k == 3 || k == 5;
        for (int oy = rowStart; oy < rowEnd; oy++)
        {
            int iy0 = oy * g.Stride - g.PadTop;
            bool rowsInside = iy0 >= 0 && iy0 + span <= s.Height - 1;
            if (unrolled && rowsInside && oxEnd > oxBegin)
            {
                Pixels<TS, TV, TAct>(ref x0, ref w0, ref b0, ref y0, s, g, oy, 0, oxBegin, channelBegin, channelEnd);
                if (k == 3) Interior3x3<TS, TV, TAct>(ref x0, ref w0, ref b0, ref y0, s, g, oy, oxBegin, oxEnd, channelBegin, channelEnd);
                else Interior5x5<TS, TV, TAct>(ref x0, ref w0, ref b0, ref y0, s, g, oy, oxBegin, oxEnd, channelBegin, channelEnd);
                Pixels<TS, TV, TAct>(ref x0, ref w0, ref b0, ref y0, s, g, oy, oxEnd, g.OutWidth, channelBegin, channelEnd);
            }
            else
                Pixels<TS, TV, TAct>(ref x0, ref w0, ref b0, ref y0, s, g, oy, 0, g.OutWidth, channelBegin, channelEnd);
        }
    }

    /// <summary>
    /// Any pixel, any kernel, through a per-pixel list of the taps that fall inside the input (an
    /// indirection buffer as in XNNPACK's dwconv, minus the padding taps): every pixel then runs the
    /// same branch-free tap loop over its channel vectors, two at a time so two chains overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Pixels<TS, TV, TAct>(ref float x0, ref float w0, ref float b0, ref float y0, FeatureShape s, ConvGeometry g,
        int oy, int oxBegin, int oxEnd, int channelBegin, int channelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        if (oxEnd <= oxBegin) return;
        int c = s.Channels, k = g.Kernel, d = g.Dilation, lanes = TS.Lanes;
        int iy0 = oy * g.Stride - g.PadTop;
        var (kyBegin, kyEnd) = DirectConv.TapRange(iy0, s.Height, k, d);
        nint* inputOffsets = stackalloc nint[k * k];
        nint* weightOffsets = stackalloc nint[k * k];
        fixed (float* px = &x0, pw = &w0, pb = &b0, py = &y0)
            for (int ox = oxBegin; ox < oxEnd; ox++)
            {
                int ix0 = ox * g.Stride - g.PadLeft;
                var (kxBegin, kxEnd) = DirectConv.TapRange(ix0, s.Width, k, d);
                int taps = 0;
                for (int ky = kyBegin; ky < kyEnd; ky++)
                    for (int kx = kxBegin; kx < kxEnd; kx++, taps++)
                    {
                        inputOffsets[taps] = ((nint)(iy0 + ky * d) * s.Width + ix0 + kx * d) * c;
                        weightOffsets[taps] = (nint)(ky * k + kx) * c;
                    }
                float* yp = py + ((nint)oy * g.OutWidth + ox) * c;
                int ch = channelBegin;
                // Four channel vectors per pass where there are enough: four chains hide the FMA latency.
                for (; ch + 4 * lanes <= channelEnd; ch += 4 * lanes)
                {
                    TV acc0 = TS.Load(ref pb[ch]), acc1 = TS.Load(ref pb[ch + lanes]);
                    TV acc2 = TS.Load(ref pb[ch + 2 * lanes]), acc3 = TS.Load(ref pb[ch + 3 * lanes]);
                    for (int t = 0; t < taps; t++)
                    {
                        float* xt = px + inputOffsets[t] + ch, wt = pw + weightOffsets[t] + ch;
                        acc0 = TS.MultiplyAdd(TS.Load(ref *xt), TS.Load(ref *wt), acc0);
                        acc1 = TS.MultiplyAdd(TS.Load(ref xt[lanes]), TS.Load(ref wt[lanes]), acc1);
                        acc2 = TS.MultiplyAdd(TS.Load(ref xt[2 * lanes]), TS.Load(ref wt[2 * lanes]), acc2);
                        acc3 = TS.MultiplyAdd(TS.Load(ref xt[3 * lanes]), TS.Load(ref wt[3 * lanes]), acc3);
                    }
                    TS.Store(TAct.Apply<TS, TV>(acc0), ref yp[ch]);
                    TS.Store(TAct.Apply<TS, TV>(acc1), ref yp[ch + lanes]);
                    TS.Store(TAct.Apply<TS, TV>(acc2), ref yp[ch + 2 * lanes]);
                    TS.Store(TAct.Apply<TS, TV>(acc3), ref yp[ch + 3 * lanes]);
                }
                for (; ch + 2 * lanes <= channelEnd; ch += 2 * lanes)
                {
                    TV acc0 = TS.Load(ref pb[ch]), acc1 = TS.Load(ref pb[ch + lanes]);
                    for (int t = 0; t < taps; t++)
                    {
                        float* xt = px + inputOffsets[t] + ch, wt = pw + weightOffsets[t] + ch;
                        acc0 = TS.MultiplyAdd(TS.Load(ref *xt), TS.Load(ref *wt), acc0);
                        acc1 = TS.MultiplyAdd(TS.Load(ref xt[lanes]), TS.Load(ref wt[lanes]), acc1);
                    }
                    TS.Store(TAct.Apply<TS, TV>(acc0), ref yp[ch]);
                    TS.Store(TAct.Apply<TS, TV>(acc1), ref yp[ch + lanes]);
                }
                for (; ch < channelEnd; ch += lanes)
                {
                    TV acc = TS.Load(ref pb[ch]);
                    for (int t = 0; t < taps; t++)
                        acc = TS.MultiplyAdd(TS.Load(ref px[inputOffsets[t] + ch]), TS.Load(ref pw[weightOffsets[t] + ch]), acc);
                    TS.Store(TAct.Apply<TS, TV>(acc), ref yp[ch]);
                }
            }
    }

    /// <summary>The last few channels (fewer than a 128-bit vector), one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ScalarRows<TAct>(PackedDepthwiseWeights w, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g,
        int rowStart, int rowEnd, int channelBegin, int channelEnd) where TAct : IActivationOp
    {
        int c = s.Channels, k = g.Kernel, d = g.Dilation;
        for (int oy = rowStart; oy < rowEnd; oy++)
        {
            int iy0 = oy * g.Stride - g.PadTop;
            int kyBegin = iy0 >= 0 ? 0 : (-iy0 + d - 1) / d;
            int kyEnd = Math.Min(k, (s.Height - 1 - iy0) / d + 1);
            ReadOnlySpan<float> weights = w.Data;
            for (int ox = 0; ox < g.OutWidth; ox++)
            {
                int ix0 = ox * g.Stride - g.PadLeft;
                int kxBegin = ix0 >= 0 ? 0 : (-ix0 + d - 1) / d;
                int kxEnd = Math.Min(k, (s.Width - 1 - ix0) / d + 1);
                for (int ch = channelBegin; ch < channelEnd; ch++)
                {
                    float acc = w.Bias[ch];
                    for (int ky = kyBegin; ky < kyEnd; ky++)
                        for (int kx = kxBegin; kx < kxEnd; kx++)
                            acc = MathF.FusedMultiplyAdd(x[((iy0 + ky * d) * s.Width + ix0 + kx * d) * c + ch], weights[(ky * k + kx) * c + ch], acc);
                    y[(oy * g.OutWidth + ox) * c + ch] = TAct.Apply(acc);
                }
            }
        }
    }

    /// <summary>
    /// Interior pixels of one output row, 3x3 taps: a channel vector's weights stay in registers across
    /// the row, and 4 output pixels are computed together so their multiply-add chains overlap
    /// (one chain alone waits on the FMA latency at every tap).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Interior3x3<TS, TV, TAct>(ref float x0, ref float w0, ref float b0, ref float y0, FeatureShape s, ConvGeometry g,
        int oy, int oxBegin, int oxEnd, int channelBegin, int channelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int c = s.Channels, lanes = TS.Lanes;
        int step = g.Dilation * c, rowStep = g.Dilation * s.Width * c, pixelStep = g.Stride * c;
        int iy0 = oy * g.Stride - g.PadTop;
        for (int ch = channelBegin; ch < channelEnd; ch += lanes)
        {
            TV k0 = TS.Load(ref Unsafe.Add(ref w0, 0 * c + ch));
            TV k1 = TS.Load(ref Unsafe.Add(ref w0, 1 * c + ch));
            TV k2 = TS.Load(ref Unsafe.Add(ref w0, 2 * c + ch));
            TV k3 = TS.Load(ref Unsafe.Add(ref w0, 3 * c + ch));
            TV k4 = TS.Load(ref Unsafe.Add(ref w0, 4 * c + ch));
            TV k5 = TS.Load(ref Unsafe.Add(ref w0, 5 * c + ch));
            TV k6 = TS.Load(ref Unsafe.Add(ref w0, 6 * c + ch));
            TV k7 = TS.Load(ref Unsafe.Add(ref w0, 7 * c + ch));
            TV k8 = TS.Load(ref Unsafe.Add(ref w0, 8 * c + ch));
            TV bias = TS.Load(ref Unsafe.Add(ref b0, ch));
            ref float xr = ref Unsafe.Add(ref x0, (iy0 * s.Width + oxBegin * g.Stride - g.PadLeft) * c + ch);
            ref float yr = ref Unsafe.Add(ref y0, (oy * g.OutWidth + oxBegin) * c + ch);
            int ox = oxBegin;
            for (; ox + 4 <= oxEnd; ox += 4)
            {
                TV acc0 = bias;
                TV acc1 = bias;
                TV acc2 = bias;
                TV acc3 = bias;
                acc0 = TS.MultiplyAdd(TS.Load(ref xr), k0, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep)), k0, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep)), k0, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep)), k0, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * step)), k1, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * step)), k1, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 1 * step)), k1, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 1 * step)), k1, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * step)), k2, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * step)), k2, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 2 * step)), k2, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 2 * step)), k2, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep)), k3, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep)), k3, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 1 * rowStep)), k3, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 1 * rowStep)), k3, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 1 * step)), k4, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep + 1 * step)), k4, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 1 * rowStep + 1 * step)), k4, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 1 * rowStep + 1 * step)), k4, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 2 * step)), k5, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep + 2 * step)), k5, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 1 * rowStep + 2 * step)), k5, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 1 * rowStep + 2 * step)), k5, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep)), k6, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep)), k6, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 2 * rowStep)), k6, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 2 * rowStep)), k6, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 1 * step)), k7, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep + 1 * step)), k7, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 2 * rowStep + 1 * step)), k7, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 2 * rowStep + 1 * step)), k7, acc3);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 2 * step)), k8, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep + 2 * step)), k8, acc1);
                acc2 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * pixelStep + 2 * rowStep + 2 * step)), k8, acc2);
                acc3 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * pixelStep + 2 * rowStep + 2 * step)), k8, acc3);
                TS.Store(TAct.Apply<TS, TV>(acc0), ref yr);
                TS.Store(TAct.Apply<TS, TV>(acc1), ref Unsafe.Add(ref yr, 1 * c));
                TS.Store(TAct.Apply<TS, TV>(acc2), ref Unsafe.Add(ref yr, 2 * c));
                TS.Store(TAct.Apply<TS, TV>(acc3), ref Unsafe.Add(ref yr, 3 * c));
                xr = ref Unsafe.Add(ref xr, 4 * pixelStep);
                yr = ref Unsafe.Add(ref yr, 4 * c);
            }
            for (; ox < oxEnd; ox++)
            {
                TV acc0 = bias;
                acc0 = TS.MultiplyAdd(TS.Load(ref xr), k0, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * step)), k1, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * step)), k2, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep)), k3, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 1 * step)), k4, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 2 * step)), k5, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep)), k6, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 1 * step)), k7, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 2 * step)), k8, acc0);
                TS.Store(TAct.Apply<TS, TV>(acc0), ref yr);
                xr = ref Unsafe.Add(ref xr, 1 * pixelStep);
                yr = ref Unsafe.Add(ref yr, 1 * c);
            }
        }
    }

    /// <summary>
    /// Interior pixels of one output row, 5x5 taps: a channel vector's weights stay in registers across
    /// the row, and 2 output pixels are computed together so their multiply-add chains overlap
    /// (one chain alone waits on the FMA latency at every tap).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Interior5x5<TS, TV, TAct>(ref float x0, ref float w0, ref float b0, ref float y0, FeatureShape s, ConvGeometry g,
        int oy, int oxBegin, int oxEnd, int channelBegin, int channelEnd)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int c = s.Channels, lanes = TS.Lanes;
        int step = g.Dilation * c, rowStep = g.Dilation * s.Width * c, pixelStep = g.Stride * c;
        int iy0 = oy * g.Stride - g.PadTop;
        for (int ch = channelBegin; ch < channelEnd; ch += lanes)
        {
            TV k0 = TS.Load(ref Unsafe.Add(ref w0, 0 * c + ch));
            TV k1 = TS.Load(ref Unsafe.Add(ref w0, 1 * c + ch));
            TV k2 = TS.Load(ref Unsafe.Add(ref w0, 2 * c + ch));
            TV k3 = TS.Load(ref Unsafe.Add(ref w0, 3 * c + ch));
            TV k4 = TS.Load(ref Unsafe.Add(ref w0, 4 * c + ch));
            TV k5 = TS.Load(ref Unsafe.Add(ref w0, 5 * c + ch));
            TV k6 = TS.Load(ref Unsafe.Add(ref w0, 6 * c + ch));
            TV k7 = TS.Load(ref Unsafe.Add(ref w0, 7 * c + ch));
            TV k8 = TS.Load(ref Unsafe.Add(ref w0, 8 * c + ch));
            TV k9 = TS.Load(ref Unsafe.Add(ref w0, 9 * c + ch));
            TV k10 = TS.Load(ref Unsafe.Add(ref w0, 10 * c + ch));
            TV k11 = TS.Load(ref Unsafe.Add(ref w0, 11 * c + ch));
            TV k12 = TS.Load(ref Unsafe.Add(ref w0, 12 * c + ch));
            TV k13 = TS.Load(ref Unsafe.Add(ref w0, 13 * c + ch));
            TV k14 = TS.Load(ref Unsafe.Add(ref w0, 14 * c + ch));
            TV k15 = TS.Load(ref Unsafe.Add(ref w0, 15 * c + ch));
            TV k16 = TS.Load(ref Unsafe.Add(ref w0, 16 * c + ch));
            TV k17 = TS.Load(ref Unsafe.Add(ref w0, 17 * c + ch));
            TV k18 = TS.Load(ref Unsafe.Add(ref w0, 18 * c + ch));
            TV k19 = TS.Load(ref Unsafe.Add(ref w0, 19 * c + ch));
            TV k20 = TS.Load(ref Unsafe.Add(ref w0, 20 * c + ch));
            TV k21 = TS.Load(ref Unsafe.Add(ref w0, 21 * c + ch));
            TV k22 = TS.Load(ref Unsafe.Add(ref w0, 22 * c + ch));
            TV k23 = TS.Load(ref Unsafe.Add(ref w0, 23 * c + ch));
            TV k24 = TS.Load(ref Unsafe.Add(ref w0, 24 * c + ch));
            TV bias = TS.Load(ref Unsafe.Add(ref b0, ch));
            ref float xr = ref Unsafe.Add(ref x0, (iy0 * s.Width + oxBegin * g.Stride - g.PadLeft) * c + ch);
            ref float yr = ref Unsafe.Add(ref y0, (oy * g.OutWidth + oxBegin) * c + ch);
            int ox = oxBegin;
            for (; ox + 2 <= oxEnd; ox += 2)
            {
                TV acc0 = bias;
                TV acc1 = bias;
                acc0 = TS.MultiplyAdd(TS.Load(ref xr), k0, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep)), k0, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * step)), k1, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * step)), k1, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * step)), k2, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * step)), k2, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * step)), k3, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 3 * step)), k3, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * step)), k4, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 4 * step)), k4, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep)), k5, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep)), k5, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 1 * step)), k6, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep + 1 * step)), k6, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 2 * step)), k7, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep + 2 * step)), k7, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 3 * step)), k8, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep + 3 * step)), k8, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 4 * step)), k9, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 1 * rowStep + 4 * step)), k9, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep)), k10, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep)), k10, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 1 * step)), k11, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep + 1 * step)), k11, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 2 * step)), k12, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep + 2 * step)), k12, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 3 * step)), k13, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep + 3 * step)), k13, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 4 * step)), k14, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 2 * rowStep + 4 * step)), k14, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep)), k15, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 3 * rowStep)), k15, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 1 * step)), k16, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 3 * rowStep + 1 * step)), k16, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 2 * step)), k17, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 3 * rowStep + 2 * step)), k17, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 3 * step)), k18, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 3 * rowStep + 3 * step)), k18, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 4 * step)), k19, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 3 * rowStep + 4 * step)), k19, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep)), k20, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 4 * rowStep)), k20, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 1 * step)), k21, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 4 * rowStep + 1 * step)), k21, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 2 * step)), k22, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 4 * rowStep + 2 * step)), k22, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 3 * step)), k23, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 4 * rowStep + 3 * step)), k23, acc1);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 4 * step)), k24, acc0);
                acc1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * pixelStep + 4 * rowStep + 4 * step)), k24, acc1);
                TS.Store(TAct.Apply<TS, TV>(acc0), ref yr);
                TS.Store(TAct.Apply<TS, TV>(acc1), ref Unsafe.Add(ref yr, 1 * c));
                xr = ref Unsafe.Add(ref xr, 2 * pixelStep);
                yr = ref Unsafe.Add(ref yr, 2 * c);
            }
            for (; ox < oxEnd; ox++)
            {
                TV acc0 = bias;
                acc0 = TS.MultiplyAdd(TS.Load(ref xr), k0, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * step)), k1, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * step)), k2, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * step)), k3, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * step)), k4, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep)), k5, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 1 * step)), k6, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 2 * step)), k7, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 3 * step)), k8, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 1 * rowStep + 4 * step)), k9, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep)), k10, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 1 * step)), k11, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 2 * step)), k12, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 3 * step)), k13, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 2 * rowStep + 4 * step)), k14, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep)), k15, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 1 * step)), k16, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 2 * step)), k17, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 3 * step)), k18, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 3 * rowStep + 4 * step)), k19, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep)), k20, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 1 * step)), k21, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 2 * step)), k22, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 3 * step)), k23, acc0);
                acc0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xr, 4 * rowStep + 4 * step)), k24, acc0);
                TS.Store(TAct.Apply<TS, TV>(acc0), ref yr);
                xr = ref Unsafe.Add(ref xr, 1 * pixelStep);
                yr = ref Unsafe.Add(ref yr, 1 * c);
            }
        }
    }
}
