using MobileNets.Kernels;
using MobileNets.Kernels.Reference;
using MobileNets.Tensors;

namespace MobileNets.Tests.Kernels;

/// <summary>
/// The direct (stem) and indirect (implicit GEMM) convolutions called the way worker threads call
/// them, on pixel ranges, held to the naive scalar convolution. Rows wide enough for the direct
/// kernel's 8-pixel blocks plus rows too short for one, ranges that start and end mid-row, mid-block
/// and mid-tile, kernel rows in the top/bottom padding, dilation, TF 'same' padding, output counts
/// around the vector width, every fused activation, residuals.
/// </summary>
public class ConvPixelRangeTests
{
    delegate void Kernel(PackedGemmWeights b, float[] x, FeatureShape s, float[] y, ConvGeometry g, Activation act, float[]? residual, int p0, int p1);
    public static TheoryData<int> Widths()
    {
        var data = new TheoryData<int>();
        foreach (var w in SimdWidths.Available()) if (w != (int)SimdWidth.Scalar) data.Add(w);
        return data;
    }

    static readonly Activation[] Fused = [Activation.None, Activation.ReLU, Activation.ReLU6, Activation.HardSwish, Activation.HardSigmoid];

    [Theory, MemberData(nameof(Widths))]
    public void DirectPixelRangesMatchReference(int width) =>
        Sweep((SimdWidth)width, [1, 3, 4], residual: false, (b, x, s, y, g, act, r, p0, p1) => DirectConv.Run(b, x, s, y, g, act, p0, p1));

    [Theory, MemberData(nameof(Widths))]
    public void IndirectPixelRangesMatchReference(int width) =>
        Sweep((SimdWidth)width, [1, 5, 17, 32], residual: true,
            (b, x, s, y, g, act, r, p0, p1) => IndirectConv.Run(b, x, s, y, g, act, r, p0, p1));

    static void Sweep(SimdWidth width, int[] inputChannels, bool residual, Kernel kernel)
    {
        int seed = 0;
        foreach (var (h, w) in new[] { (1, 1), (3, 17), (9, 40), (6, 23) })
            foreach (var inC in inputChannels)
                foreach (var outC in new[] { 5, 16, 24, 33 })
                    foreach (var k in new[] { 3, 5 })
                        foreach (var stride in new[] { 1, 2 })
                            foreach (var (dilation, tfSame) in new[] { (1, false), (1, true), (2, false) })
                            {
                                var s = new FeatureShape(h, w, inC);
                                var g = tfSame ? ConvGeometry.TfSame(s, k, stride, dilation)
                                    : ConvGeometry.Symmetric(s, k, stride, dilation, k / 2 * dilation);
                                Check(width, s, outC, g, Fused[seed % Fused.Length], residual && seed % 2 == 0, kernel, seed++);
                            }
    }

    static void Check(SimdWidth width, FeatureShape s, int outC, ConvGeometry g, Activation act, bool withResidual, Kernel kernel, int seed)
    {
        var rng = new Random(seed);
        int inC = s.Channels, k = g.Kernel, taps = k * k;
        var x = SimdWidths.Random(rng, s.Size);
        var weights = SimdWidths.Random(rng, outC * inC * taps);
        var bias = SimdWidths.Random(rng, outC);
        // [out][in][ky][kx] -> [out][(ky, kx, in)], the im2col row order the kernel reads.
        var reordered = new float[weights.Length];
        for (int o = 0; o < outC; o++)
            for (int i = 0; i < inC; i++)
                for (int t = 0; t < taps; t++)
                    reordered[(o * taps + t) * inC + i] = weights[(o * inC + i) * taps + t];
        var packed = new PackedGemmWeights(reordered, outC, taps * inC, bias, width);
        var residual = withResidual ? SimdWidths.Random(rng, g.OutHeight * g.OutWidth * outC) : null;
        var expected = ReferenceConv2d.Run(x, s, weights, bias, outC, 1, g, act, residual);

        // Split points a worker split can produce: one pixel in, mid-row, one short of a row's end.
        int pixels = g.OutHeight * g.OutWidth;
        int[] cuts = [0, Math.Min(pixels, 1), Math.Min(pixels, g.OutWidth + g.OutWidth / 2 + 3), Math.Max(0, pixels - 1 - g.OutWidth / 3), pixels];
        var y = new float[expected.Length];
        Array.Fill(y, float.NaN);
        for (int i = 0; i + 1 < cuts.Length; i++)
            if (cuts[i + 1] > cuts[i]) kernel(packed, x, s, y, g, act, residual, cuts[i], cuts[i + 1]);
        SimdWidths.AssertClose(expected, y, 1e-5f, $"{width} {s} out={outC} {g} act={act}");

        Array.Fill(y, float.NaN);
        kernel(packed, x, s, y, g, act, residual, 0, pixels);
        SimdWidths.AssertClose(expected, y, 1e-5f, $"{width} {s} out={outC} {g} act={act}, one range");
    }
}
