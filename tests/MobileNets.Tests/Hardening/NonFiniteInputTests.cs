using MobileNets.Imaging;
using MobileNets.Models;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// The defined behaviour for non-finite inputs (docs/security.md). A NaN anywhere in an image's input
/// tensor makes every logit of that image NaN; an infinity follows IEEE arithmetic (it may meet an
/// infinity of the other sign and give NaN, or be clamped finite by ReLU6) but is deterministic.
/// Either way the other images of the batch and later calls stay bit-for-bit unchanged. Through the
/// public API neither can happen: ImageClassifier refuses transforms that could produce them.
/// </summary>
public class NonFiniteInputTests
{
    const int Size = 32, Plane = 3 * Size * Size;

    static float[] Clean(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, Plane).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    /// <summary>Logits of [clean, poisoned, clean] and of clean alone afterwards, checking the clean ones never change.</summary>
    static float[] PoisonedLogits(int at, float value)
    {
        var model = ClassifierModel.Load(HardeningFixtures.ModelPath, threads: 1);
        try
        {
            int k = model.NumClasses;
            var clean = Clean(1);
            var expected = new float[k];
            model.Logits(clean, 1, Size, Size, expected, TestContext.Current.CancellationToken);
            Assert.All(expected, v => Assert.True(float.IsFinite(v)));

            var poisoned = (float[])clean.Clone();
            poisoned[at] = value;
            float[] batch = [.. clean, .. poisoned, .. clean];
            var logits = new float[3 * k];
            model.Logits(batch, 3, Size, Size, logits, TestContext.Current.CancellationToken);
            Assert.Equal(expected, logits[..k]);
            Assert.Equal(expected, logits[(2 * k)..]);   // the poisoned image left nothing behind in the scratch

            var after = new float[k];
            model.Logits(clean, 1, Size, Size, after, TestContext.Current.CancellationToken);
            Assert.Equal(expected, after);

            var again = new float[k];
            model.Logits(poisoned, 1, Size, Size, again, TestContext.Current.CancellationToken);
            Assert.Equal(logits[k..(2 * k)], again);   // deterministic, NaNs included
            return again;
        }
        finally { model.Network.Dispose(); }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Plane / 2 + Size / 2)]
    [InlineData(Plane - 1)]
    public void ANaNInputMakesEveryLogitOfThatImageNaN(int at) =>
        Assert.All(PoisonedLogits(at, float.NaN), v => Assert.True(float.IsNaN(v)));

    [Theory]
    [InlineData(Size + 1, float.NegativeInfinity)]
    [InlineData(Plane - 1, float.PositiveInfinity)]
    public void AnInfiniteInputIsDeterministicAndStaysInItsImage(int at, float value)
    {
        var logits = PoisonedLogits(at, value);
        // This fixture uses ReLU6: a single infinity is clamped to 6 and the logits stay finite but differ.
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData(new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0f, 0.225f })]
    [InlineData(new[] { 0.485f, float.NaN, 0.406f }, new[] { 0.229f, 0.224f, 0.225f })]
    [InlineData(new[] { 0.485f, 0.456f, 0.406f }, new[] { float.PositiveInfinity, 0.224f, 0.225f })]
    [InlineData(new[] { float.NegativeInfinity, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f })]
    [InlineData(new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f })]
    public void ATransformThatCouldFeedNonFiniteValuesIsRefused(float[] mean, float[] std)
    {
        var transform = HardeningFixtures.Small with { Mean = mean, Std = std };
        var e = Assert.Throws<ArgumentException>(() =>
            ImageClassifier.Load(HardeningFixtures.ModelPath, options: new ClassifierOptions { Threads = 1, Transform = transform }));
        Assert.Contains("finite", e.Message);
    }
}
