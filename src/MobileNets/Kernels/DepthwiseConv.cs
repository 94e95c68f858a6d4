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
    public float[] Data { get; }
    public float[] Bias { get; }

    /// <param name="weights">PyTorch order [C][1][k][k].</param>
    public PackedDepthwiseWeights(ReadOnlySpan<float> weights, int channels, int kernel, ReadOnlySpan<float> bias, SimdWidth width)
    {
        Channels = channels; Kernel = kernel; Width = width;
        int taps = kernel * kernel;
        Data = new float[taps * channels];
        Bias = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            for (int t = 0; t < taps; t++) Data[t * channels + c] = weights[c * taps + t];
            if (!bias.IsEmpty) Bias[c] = bias[c];
        }
    }
}

/// <summary>
/// NHWC depthwise convolution: every output pixel, a vector of channels at a time, accumulates
/// the taps that fall inside the input (the tap range is clipped per pixel, no branch per tap).
/// </summary>
internal static class DepthwiseConv
{
    public static void Run(PackedDepthwiseWeights w, ReadOnlySpan<float> x, FeatureShape input, Span<float> y, ConvGeometry g, Activation act, int rowStart = 0, int rowEnd = int.MaxValue)
    {
        if (input.Channels != w.Channels || g.Kernel != w.Kernel) throw new ArgumentException("depthwise shape mismatch");
        if (x.Length < input.Size || y.Length < g.OutHeight * g.OutWidth * w.Channels) throw new ArgumentException("depthwise buffer too small");
        rowEnd = Math.Min(rowEnd, g.OutHeight);
        switch (w.Width)
        {
            case SimdWidth.V512: Dispatch<Simd512, Vector512<float>>(w, x, input, y, g, act, rowStart, rowEnd); break;
            case SimdWidth.V256: Dispatch<Simd256, Vector256<float>>(w, x, input, y, g, act, rowStart, rowEnd); break;
            case SimdWidth.V128: Dispatch<Simd128, Vector128<float>>(w, x, input, y, g, act, rowStart, rowEnd); break;
            default: Dispatch<Simd128, Vector128<float>>(w, x, input, y, g, act, rowStart, rowEnd, vectorize: false); break;
        }
    }

    static void Dispatch<TS, TV>(PackedDepthwiseWeights w, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, Activation act, int r0, int r1, bool vectorize = true)
        where TS : ISimd<TV> where TV : struct
    {
        switch (act)
        {
            case Activation.None: Run<TS, TV, IdentityOp>(w, x, s, y, g, r0, r1, vectorize); break;
            case Activation.ReLU: Run<TS, TV, ReluOp>(w, x, s, y, g, r0, r1, vectorize); break;
            case Activation.ReLU6: Run<TS, TV, Relu6Op>(w, x, s, y, g, r0, r1, vectorize); break;
            case Activation.HardSwish: Run<TS, TV, HardSwishOp>(w, x, s, y, g, r0, r1, vectorize); break;
            case Activation.HardSigmoid: Run<TS, TV, HardSigmoidOp>(w, x, s, y, g, r0, r1, vectorize); break;
            default: throw new ArgumentException($"{act} is not fused in kernels", nameof(act));
        }
    }

    static void Run<TS, TV, TAct>(PackedDepthwiseWeights w, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, int rowStart, int rowEnd, bool vectorize)
        where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        int c = s.Channels, k = g.Kernel, d = g.Dilation, lanes = TS.Lanes;
        int vecEnd = vectorize ? c - c % lanes : 0;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        ref float w0 = ref w.Data[0];
        ref float b0 = ref w.Bias[0];
        for (int oy = rowStart; oy < rowEnd; oy++)
        {
            int iy0 = oy * g.Stride - g.PadTop;
            int kyBegin = iy0 >= 0 ? 0 : (-iy0 + d - 1) / d;
            int kyEnd = Math.Min(k, (s.Height - 1 - iy0) / d + 1);
            for (int ox = 0; ox < g.OutWidth; ox++)
            {
                int ix0 = ox * g.Stride - g.PadLeft;
                int kxBegin = ix0 >= 0 ? 0 : (-ix0 + d - 1) / d;
                int kxEnd = Math.Min(k, (s.Width - 1 - ix0) / d + 1);
                ref float yp = ref Unsafe.Add(ref y0, (oy * g.OutWidth + ox) * c);
                for (int ch = 0; ch < vecEnd; ch += lanes)
                {
                    TV acc = TS.Load(ref Unsafe.Add(ref b0, ch));
                    for (int ky = kyBegin; ky < kyEnd; ky++)
                    {
                        ref float xrow = ref Unsafe.Add(ref x0, ((iy0 + ky * d) * s.Width + ix0) * c + ch);
                        ref float wrow = ref Unsafe.Add(ref w0, ky * k * c + ch);
                        for (int kx = kxBegin; kx < kxEnd; kx++)
                            acc = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref xrow, kx * d * c)), TS.Load(ref Unsafe.Add(ref wrow, kx * c)), acc);
                    }
                    TS.Store(TAct.Apply<TS, TV>(acc), ref Unsafe.Add(ref yp, ch));
                }
                for (int ch = vecEnd; ch < c; ch++)
                {
                    float acc = Unsafe.Add(ref b0, ch);
                    for (int ky = kyBegin; ky < kyEnd; ky++)
                        for (int kx = kxBegin; kx < kxEnd; kx++)
                            acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref x0, ((iy0 + ky * d) * s.Width + ix0 + kx * d) * c + ch), Unsafe.Add(ref w0, (ky * k + kx) * c + ch), acc);
                    Unsafe.Add(ref yp, ch) = TAct.Apply(acc);
                }
            }
        }
    }
}
