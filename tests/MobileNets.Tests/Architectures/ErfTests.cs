using MobileNets.Kernels;

namespace MobileNets.Tests.Architectures;

/// <summary>The exact GELU of MobileNetV4-hybrid-large rests on <see cref="Activations.Erf"/>; values from Python's math.erf.</summary>
public class ErfTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1e-08, 1.1283791670955126e-08)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.4999, 0.5204119951613866)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(0.9, 0.7969082124228322)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(3.9999, 0.9999999845700388)]
    [InlineData(4.0, 0.9999999845827421)]
    [InlineData(4.5, 0.9999999998033839)]
    [InlineData(6.0, 1.0)]
    [InlineData(-0.7, -0.6778011938374184)]
    [InlineData(-2.5, -0.999593047982555)]
    [InlineData(-5.0, -0.9999999999984626)]
    public void ErfMatchesKnownValuesToDoublePrecision(double x, double expected)
    {
        double got = Activations.Erf(x);
        Assert.True(Math.Abs(got - expected) <= 1e-15 * Math.Abs(expected) + 1e-300,
            $"erf({x}) = {got:R}, expected {expected:R} (diff {got - expected:E3})");
    }

    [Theory]
    [InlineData(-3.0f, -0.00404969409489031)]
    [InlineData(-1.0f, -0.15865525393145707)]
    [InlineData(-0.5f, -0.15426876936299344)]
    [InlineData(0.25f, 0.14967658142073093)]
    [InlineData(1.5f, 1.399789198096713)]
    [InlineData(4.0f, 3.9998733150326675)]
    public void GeluIsExactToFloatRounding(float x, double expected)
    {
        float got = Activations.Apply(Activation.GELU, x);
        Assert.Equal((float)expected, got);
    }

    [Fact]
    public void VectorGeluMatchesItsScalarTwin()
    {
        // Every erf range and its boundaries (|x / sqrt 2| = 0.5 and 4), far tails, signed zeros, and a
        // length that leaves a scalar remainder after the vector lanes.
        var edges = new[] { 0.5, 4.0 }.SelectMany(z => new[] { z * Math.Sqrt(2), -z * Math.Sqrt(2) })
            .SelectMany(e => new[] { (float)e, MathF.BitIncrement((float)e), MathF.BitDecrement((float)e) });
        var xs = Enumerable.Range(-400, 801).Select(i => i * 0.0271f)
            .Concat(edges).Concat([0f, -0f, 1e-30f, -1e-30f, 9f, -9f, 30f, -30f, 1e4f, -1e4f, 3e38f, -3e38f]).ToArray();
        var ys = (float[])xs.Clone();
        Activations.ApplyInPlace(Activation.GELU, ys);
        for (int i = 0; i < xs.Length; i++)
        {
            float expected = Activations.Apply(Activation.GELU, xs[i]);
            bool withinUlp = ys[i] == expected || MathF.BitIncrement(ys[i]) == expected || MathF.BitDecrement(ys[i]) == expected;
            Assert.True(withinUlp, $"gelu({xs[i]:R}) = {ys[i]:R}, scalar {expected:R}");
        }
    }
}
