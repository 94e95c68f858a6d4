using MobileNets.Architectures;
using MobileNets.Architectures.Timm;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Tests.Architectures;

/// <summary>
/// MobileNetV4's blocks built from timm block strings by <see cref="TimmBuilder"/>, bound to random
/// weights (BatchNorm and layer scale far from identity) and run against <see cref="PlainReference"/>.
/// </summary>
public class MobileNetV4BlockTests
{
    const int Stem = 16;   // the block's input channels: the stem at width 1

    static LayerSpec BuildBlock(string block, Activation act = Activation.ReLU, AntiAlias aa = AntiAlias.None, bool layerScale = true)
    {
        var config = new TimmModelConfig([[block]], act, Stem, TimmHead.PoolThenConv, NumFeatures: 8,
            HeadBias: false, HeadNorm: true, AntiAlias: aa, LayerScale: layerScale);
        return TimmBuilder.Build("test", config, 1.0, 4).Layers[1];
    }

    static (float[] Output, FeatureShape Shape, MemoryWeights Weights, float[] Input, FeatureShape InputShape) Run(LayerSpec block, int height = 9, int width = 7)
    {
        var network = new NetworkSpec("test", 1.0, 4, [block]);
        var weights = MemoryWeights.Random(network, seed: height * 100 + block.GetHashCode() % 97);
        var layer = new WeightBinder(weights, SimdConfig.Best).Bind(network).Single();
        var inShape = new FeatureShape(height, width, Stem);
        var x = PlainReference.Input(inShape, seed: 5);
        var outShape = layer.OutputShape(inShape);
        var y = new float[outShape.Size];
        layer.Forward(x, inShape, y, new Scratch());
        return (y, outShape, weights, x, inShape);
    }

    [Theory]
    [InlineData("uir_r1_a3_k5_s1_e4_c16", "None")]        // ExtraDW, residual
    [InlineData("uir_r1_a0_k3_s1_e2_c16", "None")]        // IB
    [InlineData("uir_r1_a5_k0_s1_e4_c16", "None")]        // ConvNeXt-like
    [InlineData("uir_r1_a0_k0_s1_e2_c16", "None")]        // FFN
    [InlineData("uir_r1_a3_k5_s2_e4_c24", "None")]        // ExtraDW, the middle depthwise strides
    [InlineData("uir_r1_a3_k5_s2_e4_c24", "Average")]     // ... anti-aliased by a 2x2 box
    [InlineData("uir_r1_a3_k3_s2_e6_c24", "BlurZeroPad")] // ... by a zero-padded binomial blur
    [InlineData("uir_r1_a5_k0_s2_e4_c24", "Average")]     // the start depthwise strides
    [InlineData("uir_r1_a0_k3_s1_e2_c16_p3", "None")]     // end depthwise, residual after it
    [InlineData("uir_r1_a0_k0_s2_e2_c24_p5", "None")]     // the end depthwise strides
    public void UniversalInvertedResidualMatchesPlainReference(string block, string antiAlias)
    {
        var spec = Assert.IsType<UniversalInvertedResidualSpec>(BuildBlock(block, aa: Enum.Parse<AntiAlias>(antiAlias)));
        var (y, shape, w, x, inShape) = Run(spec);

        var h = x.Select(v => (double)v).ToArray();
        var s = inShape;
        foreach (var conv in new[] { spec.StartDepthwise, spec.Expand, spec.MiddleDepthwise, spec.Project, spec.EndDepthwise })
            if (conv != null) h = PlainReference.Run(conv, h, s, w, out s);
        if (spec.Residual) for (int i = 0; i < h.Length; i++) h[i] += x[i];

        Assert.Equal(s, shape);
        PlainReference.AssertClose(h, y);
    }

    [Fact]
    public void UniversalInvertedResidualStridesOnItsFirstDepthwiseOfMiddleStartEnd()
    {
        var extraDw = Assert.IsType<UniversalInvertedResidualSpec>(BuildBlock("uir_r1_a3_k5_s2_e4_c24"));
        Assert.Equal((1, 2), (extraDw.StartDepthwise!.Stride, extraDw.MiddleDepthwise!.Stride));
        var convNext = Assert.IsType<UniversalInvertedResidualSpec>(BuildBlock("uir_r1_a3_k0_s2_e4_c24_p3"));
        Assert.Equal((2, 1), (convNext.StartDepthwise!.Stride, convNext.EndDepthwise!.Stride));
        Assert.Equal("blocks.0.0.layer_scale.gamma", convNext.EndDepthwise.Scale);
        Assert.Null(convNext.Project.Scale);
        Assert.False(convNext.Residual);
    }

    [Theory]
    [InlineData("mqa_r1_k3_h3_s1_v2_d5_c16", "ReLU", 9, 7)]   // keys and values downsampled by a strided depthwise
    [InlineData("mqa_r1_k3_h2_s1_d8_c16", "GELU", 5, 6)]      // full-resolution keys
    [InlineData("mqa_r1_k3_h4_s1_v2_d4_c24", "ReLU", 4, 4)]   // no residual: channels change
    public void MobileAttentionMatchesPlainReference(string block, string activation, int height, int width)
    {
        var spec = Assert.IsType<MobileAttentionSpec>(BuildBlock(block, Enum.Parse<Activation>(activation)));
        var (y, shape, w, x, inShape) = Run(spec, height, width);

        // MobileAttention.forward: norm -> MultiQueryAttention2d -> layer scale (on the output projection) -> + shortcut
        var n = x.Select(v => (double)v).ToArray();
        PlainReference.BatchNorm(n, spec.Norm.Name, spec.Norm.Eps, w);
        var q = PlainReference.Run(spec.Query, n, inShape, w, out _);
        var (keyIn, valueIn, kvShape) = (n, n, inShape);
        if (spec.KeyDownsample != null)
        {
            keyIn = PlainReference.Run(spec.KeyDownsample, n, inShape, w, out kvShape);
            valueIn = PlainReference.Run(spec.ValueDownsample!, n, inShape, w, out _);
        }
        var k = PlainReference.Run(spec.Key, keyIn, kvShape, w, out _);
        var v = PlainReference.Run(spec.Value, valueIn, kvShape, w, out _);
        int heads = spec.Heads, d = spec.KeyDim, dv = spec.ValueDim, keys = kvShape.Pixels;
        var o = new double[inShape.Pixels * heads * dv];
        for (int p = 0; p < inShape.Pixels; p++)
            for (int head = 0; head < heads; head++)
            {
                // timm: q [b, heads, pixels, d] from channel head * d + i; attn = softmax(q * d^-0.5 @ k^T); o = attn @ v
                var logits = new double[keys];
                for (int m = 0; m < keys; m++)
                    for (int i = 0; i < d; i++) logits[m] += q[p * heads * d + head * d + i] / Math.Sqrt(d) * k[m * d + i];
                double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
                for (int m = 0; m < keys; m++)
                    for (int i = 0; i < dv; i++) o[p * heads * dv + head * dv + i] += Math.Exp(logits[m] - max) / sum * v[m * dv + i];
            }
        var expected = PlainReference.Run(spec.Output, o, inShape with { Channels = heads * dv }, w, out var outShape);
        if (spec.Residual) for (int i = 0; i < expected.Length; i++) expected[i] += x[i];

        Assert.Equal(outShape, shape);
        PlainReference.AssertClose(expected, y);
    }
}
