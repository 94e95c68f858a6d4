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

    /// <summary>The fused clamps use the hardware min/max, whose NaN rule depends on operand order: NaN must come out NaN, as in PyTorch.</summary>
    [Fact]
    public void FusedClampsPropagateNaN()
    {
        Check<Simd128, System.Runtime.Intrinsics.Vector128<float>>();
        Check<Simd256, System.Runtime.Intrinsics.Vector256<float>>();
        Check<Simd512, System.Runtime.Intrinsics.Vector512<float>>();

        static void Check<TS, TV>() where TS : ISimd<TV> where TV : struct
        {
            var data = new float[TS.Lanes];
            Array.Fill(data, float.NaN);
            data[0] = -10f; data[^1] = 10f;
            var x = TS.Load(ref data[0]);
            foreach (var (name, y) in new[] { ("ReLU", ReluOp.Apply<TS, TV>(x)), ("ReLU6", Relu6Op.Apply<TS, TV>(x)),
                ("HardSwish", HardSwishOp.Apply<TS, TV>(x)), ("HardSigmoid", HardSigmoidOp.Apply<TS, TV>(x)) })
            {
                var result = new float[TS.Lanes];
                TS.Store(y, ref result[0]);
                for (int i = 1; i < TS.Lanes - 1; i++) Assert.True(float.IsNaN(result[i]), $"{typeof(TS).Name} {name}: NaN became {result[i]}");
                Assert.False(float.IsNaN(result[0]) || float.IsNaN(result[^1]), $"{typeof(TS).Name} {name}: finite input became NaN");
            }
        }
    }
}
