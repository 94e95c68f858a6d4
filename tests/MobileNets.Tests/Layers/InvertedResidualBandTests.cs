using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Tests.Kernels;

namespace MobileNets.Tests.Layers;

/// <summary>
/// Large inverted residuals run expand + depthwise (+ project) a band of rows at a time; the result
/// must equal the layer-by-layer computation on odd sizes, both strides, 3x3 and 5x5, with and
/// without SE and residual, at every vector width.
/// </summary>
public class InvertedResidualBandTests
{
    public static TheoryData<int> Widths => SimdWidths.Available();

    static float[] R(Random rng, int n, float scale = 0.5f) => SimdWidths.Random(rng, n, scale);

    [Theory, MemberData(nameof(Widths))]
    public void BandedBlockEqualsLayerByLayer(int width)
    {
        var simd = (SimdWidth)width;
        int seed = 0;
        foreach (var (h, w) in new[] { (101, 47), (75, 90) })
            foreach (var k in new[] { 3, 5 })
                foreach (var stride in new[] { 1, 2 })
                    foreach (var withSe in new[] { false, true })
                    {
                        var rng = new Random(seed++);
                        int cin = 24, mid = 72, cout = stride == 1 ? 24 : 40;
                        var expand = new Conv2d(cin, mid, 1, 1, 1, 1, Padding.Symmetric(0), R(rng, mid * cin), R(rng, mid), Activation.HardSwish, simd);
                        var dw = new Conv2d(mid, mid, k, stride, 1, mid, Padding.Symmetric(k / 2), R(rng, mid * k * k), R(rng, mid), Activation.ReLU, simd);
                        SqueezeExcite? se = withSe
                            ? new SqueezeExcite(
                                new Conv2d(mid, 24, 1, 1, 1, 1, Padding.Symmetric(0), R(rng, 24 * mid), R(rng, 24), Activation.ReLU, simd),
                                new Conv2d(24, mid, 1, 1, 1, 1, Padding.Symmetric(0), R(rng, 24 * mid), R(rng, mid), Activation.HardSigmoid, simd))
                            : null;
                        var project = new Conv2d(mid, cout, 1, 1, 1, 1, Padding.Symmetric(0), R(rng, cout * mid), R(rng, cout), Activation.None, simd);
                        bool residual = stride == 1 && cin == cout;
                        var block = new InvertedResidual(expand, dw, se, project, residual);

                        var s = new FeatureShape(h, w, cin);
                        Assert.True(4L * s.Pixels * mid > Bottleneck.BandThresholdBytes, "the case must take the banded path");
                        var x = R(rng, s.Size, 1f);
                        var scratch = new Scratch();

                        var e = new float[s.Pixels * mid];
                        expand.Forward(x, s, e, scratch);
                        var es = new FeatureShape(h, w, mid);
                        var ds = dw.OutputShape(es);
                        var d = new float[ds.Size];
                        dw.Forward(e, es, d, scratch);
                        se?.Apply(d, ds, scratch);
                        var expected = new float[ds.Pixels * cout];
                        project.Forward(d, ds, expected, residual ? x : default, scratch);

                        var actual = new float[expected.Length];
                        block.Forward(x, s, actual, scratch);
                        SimdWidths.AssertClose(expected, actual, 1e-5f, $"{simd} {h}x{w} k{k} s{stride} se={withSe}");
                    }
    }

    /// <summary>
    /// One spatial convolution straight into the projection (timm's 'er' k x k expansion, or the
    /// depthwise-separable block): large maps between them run a band of output rows at a time; the result must equal the layer-by-layer computation
    /// for 3x3 and 5x5, both strides, symmetric and TensorFlow 'same' padding, with and without residual.
    /// </summary>
    [Theory, MemberData(nameof(Widths))]
    public void BandedFusedBlockEqualsLayerByLayer(int width)
    {
        var simd = (SimdWidth)width;
        int seed = 100;
        foreach (var k in new[] { 3, 5 })
            foreach (var stride in new[] { 1, 2 })
                foreach (var tfSame in new[] { false, true })
                foreach (var separable in new[] { false, true })
                {
                    var rng = new Random(seed++);
                    // The depthwise-separable form (V1, V2's first block) keeps the channel count.
                    int cin = separable ? 96 : 16, mid = 96, cout = stride == 1 ? 16 : 24;
                    var pad = tfSame ? Padding.Same : Padding.Symmetric(k / 2);
                    int groups = separable ? mid : 1;
                    var expand = new Conv2d(cin, mid, k, stride, 1, groups, pad, R(rng, mid * (cin / groups) * k * k), R(rng, mid), Activation.ReLU, simd);
                    var project = new Conv2d(mid, cout, 1, 1, 1, 1, Padding.Symmetric(0), R(rng, cout * mid), R(rng, cout), Activation.None, simd);
                    bool residual = stride == 1 && cin == cout;
                    var block = separable ? new InvertedResidual(null, expand, null, project, residual) : new InvertedResidual(expand, null, null, project, residual);

                    var s = new FeatureShape(121, 93, cin);
                    var es = expand.OutputShape(s);
                    Assert.True(4L * es.Size > Bottleneck.BandThresholdBytes, "the case must take the banded path");
                    var x = R(rng, s.Size, 1f);
                    var scratch = new Scratch();
                    var e = new float[es.Size];
                    expand.Forward(x, s, e, scratch);
                    var expected = new float[es.Pixels * cout];
                    project.Forward(e, es, expected, residual ? x : default, scratch);

                    var actual = new float[expected.Length];
                    block.Forward(x, s, actual, scratch);
                    SimdWidths.AssertClose(expected, actual, 1e-5f, $"{simd} k{k} s{stride} same={tfSame} separable={separable}");
                }
    }
}
