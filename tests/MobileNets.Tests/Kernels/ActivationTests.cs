using MobileNets.Kernels;

namespace MobileNets.Tests.Kernels;

public class ActivationTests
{
    // erf values from Python's math.erf (libm), 17 significant digits.
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(-0.7, -0.6778011938374184)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(-3.5, -0.9999992569016276)]
    [InlineData(4.5, 0.9999999998033839)]
    [InlineData(6.0, 1.0)]
    public void ErfMatchesLibm(double x, double expected) =>
        Assert.True(Math.Abs(Activations.Erf(x) - expected) <= 1e-14, $"erf({x}) = {Activations.Erf(x)}, expected {expected}");

    [Fact]
    public void InPlaceMatchesScalarDefinition()
    {
        var rng = new Random(3);
        foreach (var act in Enum.GetValues<Activation>())
        {
            var x = SimdWidths.Random(rng, 97, 8f);
            var expected = x.Select(v => Activations.Apply(act, v)).ToArray();
            Activations.ApplyInPlace(act, x);
            SimdWidths.AssertClose(expected, x, 1e-6f, act.ToString());
        }
    }

    [Fact]
    public void HardSwishFollowsTorchDefinition()
    {
        // torch.nn.functional.hardswish: 0 below -3, x above 3, x (x + 3) / 6 between.
        Assert.Equal(0f, Activations.Apply(Activation.HardSwish, -4f));
        Assert.Equal(4f, Activations.Apply(Activation.HardSwish, 4f));
        Assert.Equal(1f * 4f / 6f, Activations.Apply(Activation.HardSwish, 1f), 6);
        Assert.Equal(0.5f, Activations.Apply(Activation.HardSigmoid, 0f), 6);
    }
}
