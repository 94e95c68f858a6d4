using MobileNets.Kernels;
using MobileNets.Kernels.Reference;
using MobileNets.Layers;
using MobileNets.Tensors;

namespace MobileNets.Tests.Kernels;

/// <summary>
/// Every convolution path (pointwise GEMM, depthwise, im2col GEMM, grouped) at every vector width,
/// held to the naive scalar convolution on awkward shapes: channel counts around the vector width,
/// 1x1 and 2x2 maps, odd sizes with stride 2, dilation, TF 'same' padding, fused activations and residuals.
/// </summary>
public class ConvKernelTests
{
    public static TheoryData<int> Widths => SimdWidths.Available();

    static readonly int[] ChannelCounts = [1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 33];
    static readonly (int H, int W)[] Sizes = [(1, 1), (2, 2), (13, 11), (7, 4)];

    static void Check(SimdWidth width, int inC, int outC, int k, int stride, int dilation, int groups, Padding pad,
        Activation act, FeatureShape s, bool residual, int seed)
    {
        var rng = new Random(seed);
        var x = SimdWidths.Random(rng, s.Size);
        var w = SimdWidths.Random(rng, outC * (inC / groups) * k * k);
        var b = SimdWidths.Random(rng, outC);
        var conv = new Conv2d(inC, outC, k, stride, dilation, groups, pad, w, b, act, width);
        var g = conv.Geometry(s);
        var r = residual ? SimdWidths.Random(rng, g.OutHeight * g.OutWidth * outC) : null;
        var expected = ReferenceConv2d.Run(x, s, w, b, outC, groups, g, act, r);
        var y = new float[expected.Length];
        conv.Forward(x, s, y, r, new Scratch());
        SimdWidths.AssertClose(expected, y, 1e-5f,
            $"{width} in={inC} out={outC} k={k} s={stride} d={dilation} g={groups} pad={pad} act={act} {s}");
    }

    [Theory, MemberData(nameof(Widths))]
    public void PointwiseMatchesReference(int width)
    {
        int seed = 0;
        foreach (var inC in ChannelCounts)
            foreach (var outC in new[] { 1, 5, 16, 17, 32, 33, 70 })
                foreach (var (h, w) in Sizes)
                    Check((SimdWidth)width, inC, outC, 1, 1, 1, 1, Padding.Symmetric(0), Activation.HardSwish,
                        new FeatureShape(h, w, inC), residual: seed % 3 == 0, seed++);
    }

    /// <summary>
    /// Weights past the GEMM's cache budget take its blocked path: depth slices with partial sums in
    /// the output (K past a slice's 128 KiB at every width: 4100 and 2048), several row blocks, packed
    /// row tiles, a partial last panel, residuals; and one-pixel maps (a classifier head's GEMV, which
    /// runs two whole panels at a time) with sliced depth and a partial last panel.
    /// </summary>
    [Theory, MemberData(nameof(Widths))]
    public void CacheBlockedPointwiseMatchesReference(int width)
    {
        int seed = 500;
        foreach (var (inC, outC, h, w) in new[] { (700, 50, 13, 11), (1024, 40, 7, 7), (600, 64, 31, 30), (257, 300, 5, 9), (4100, 40, 5, 7), (2048, 70, 4, 5), (1280, 130, 1, 1), (4100, 70, 1, 1), (960, 97, 1, 1) })
            foreach (var residual in new[] { false, true })
                Check((SimdWidth)width, inC, outC, 1, 1, 1, 1, Padding.Symmetric(0), Activation.HardSwish,
                    new FeatureShape(h, w, inC), residual, seed++);
    }

    [Theory, MemberData(nameof(Widths))]
    public void DepthwiseMatchesReference(int width)
    {
        int seed = 100;
        // 70: four 16-lane vectors per pass at the borders, then a narrower tail.
        foreach (var c in ChannelCounts.Append(70))
            foreach (var k in new[] { 3, 5 })
                foreach (var stride in new[] { 1, 2 })
                    foreach (var (h, w) in Sizes)
                    {
                        var s = new FeatureShape(h, w, c);
                        Check((SimdWidth)width, c, c, k, stride, 1, c, Padding.Symmetric(k / 2), Activation.ReLU6, s, false, seed++);
                        Check((SimdWidth)width, c, c, k, stride, 1, c, Padding.Same, Activation.HardSwish, s, false, seed++);
                        if (h > 2) Check((SimdWidth)width, c, c, k, 1, 2, c, Padding.Symmetric(k / 2 * 2), Activation.None, s, false, seed++);
                    }
    }

    [Theory, MemberData(nameof(Widths))]
    public void FullConvolutionMatchesReference(int width)
    {
        int seed = 1000;
        foreach (var inC in new[] { 1, 3, 8, 17 })
            foreach (var outC in new[] { 1, 16, 19 })
                foreach (var k in new[] { 1, 3, 5 })
                    foreach (var stride in new[] { 1, 2 })
                        foreach (var (h, w) in Sizes)
                        {
                            var s = new FeatureShape(h, w, inC);
                            Check((SimdWidth)width, inC, outC, k, stride, 1, 1, Padding.Symmetric(k / 2), Activation.ReLU, s, stride == 1 && inC == outC, seed++);
                            Check((SimdWidth)width, inC, outC, k, stride, 1, 1, Padding.Same, Activation.HardSigmoid, s, false, seed++);
                        }
    }

    [Theory, MemberData(nameof(Widths))]
    public void GroupedConvolutionMatchesReference(int width)
    {
        int seed = 5000;
        foreach (var (inC, outC, groups) in new[] { (4, 8, 2), (6, 9, 3), (16, 16, 4), (8, 16, 8) })
            foreach (var (h, w) in Sizes)
                Check((SimdWidth)width, inC, outC, 3, 2, 1, groups, Padding.Symmetric(1), Activation.None, new FeatureShape(h, w, inC), false, seed++);
    }

    [Theory, MemberData(nameof(Widths))]
    public void UnfusedActivationsAndResidualMatchReference(int width)
    {
        int seed = 9000;
        foreach (var act in new[] { Activation.SiLU, Activation.Sigmoid, Activation.GELU, Activation.GELUTanh })
        {
            Check((SimdWidth)width, 7, 17, 1, 1, 1, 1, Padding.Symmetric(0), act, new FeatureShape(3, 5, 7), true, seed++);
            Check((SimdWidth)width, 17, 17, 3, 1, 1, 17, Padding.Symmetric(1), act, new FeatureShape(5, 3, 17), false, seed++);
        }
    }
}
