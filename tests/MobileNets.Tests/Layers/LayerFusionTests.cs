using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Tests.Kernels;

namespace MobileNets.Tests.Layers;

/// <summary>
/// A sequence runs a k x k convolution block and the convolutions after it that end in a 1x1
/// projection as one banded step (<see cref="LayerFusion"/>); on maps past the band threshold the
/// result must equal running the layers one by one, for the three fused patterns, at every width.
/// </summary>
public class LayerFusionTests
{
    public static TheoryData<int> Widths => SimdWidths.Available();

    static float[] R(Random rng, int n, float scale = 0.5f) => SimdWidths.Random(rng, n, scale);

    static Conv2d Conv(Random rng, int cin, int cout, int k, int stride, int groups, Activation act, SimdWidth simd) =>
        new(cin, cout, k, stride, 1, groups, Padding.Symmetric(k / 2), R(rng, cout * (cin / groups) * k * k), R(rng, cout), act, simd);

    [Theory, MemberData(nameof(Widths))]
    public void FusedStepsEqualLayerByLayer(int width)
    {
        var simd = (SimdWidth)width;
        var rng = new Random(7);
        var stem = new ConvBlock(Conv(rng, 3, 32, 3, 2, 1, Activation.HardSwish, simd));
        var cases = new (string Name, ILayer[] Layers)[]
        {
            ("stem + depthwise-separable", [stem, new InvertedResidual(null, Conv(rng, 32, 32, 3, 1, 32, Activation.ReLU6, simd), null, Conv(rng, 32, 48, 1, 1, 1, Activation.ReLU6, simd), residual: false)]),
            ("stem + er", [stem, new InvertedResidual(Conv(rng, 32, 64, 3, 2, 1, Activation.ReLU, simd), null, null, Conv(rng, 64, 24, 1, 1, 1, Activation.None, simd), residual: false)]),
            ("stem + cn k3 + cn 1x1", [stem, new ConvBlock(Conv(rng, 32, 32, 3, 2, 1, Activation.ReLU, simd)), new ConvBlock(Conv(rng, 32, 40, 1, 1, 1, Activation.ReLU, simd)),
                new ConvBlock(Conv(rng, 40, 16, 1, 1, 1, Activation.None, simd))]),
        };
        var s = new FeatureShape(231, 171, 3);
        Assert.True(4L * stem.OutputShape(s).Size > Bottleneck.BandThresholdBytes, "the stem's map must take the banded path");
        var x = R(rng, s.Size, 1f);
        foreach (var (name, layers) in cases)
        {
            var sequence = new LayerSequence(layers);
            var scratch = new Scratch();
            float[] expected = x;
            var shape = s;
            foreach (var layer in layers)
            {
                var next = layer.OutputShape(shape);
                var y = new float[next.Size];
                layer.Forward(expected, shape, y, scratch);
                expected = y; shape = next;
            }
            var actual = new float[expected.Length];
            sequence.Forward(x, s, actual, scratch);
            SimdWidths.AssertClose(expected, actual, 1e-5f, $"{simd} {name}");
        }
    }
}
