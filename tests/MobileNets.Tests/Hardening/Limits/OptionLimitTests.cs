namespace MobileNets.Tests.Hardening.Limits;

/// <summary>The limits reach the readers through the public options, and only positive limits exist.</summary>
public class OptionLimitTests
{
    [Fact]
    public void ClassifierOptionsCarryTheLimitsToTheReader()
    {
        void Load(ModelFileLimits limits) =>
            ImageClassifier.Load(HardeningFixtures.ModelPath, options: new ClassifierOptions { Threads = 1, Limits = limits }).Dispose();
        int tensors;
        using (var st = MobileNets.Weights.SafeTensorsFile.Open(HardeningFixtures.ModelPath)) tensors = st.Tensors.Count;
        LimitAssert.RefusedOverAcceptedAt(Load,
            ModelFileLimits.Default with { MaxTensors = tensors - 1 }, ModelFileLimits.Default with { MaxTensors = tensors }, "MaxTensors");
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var d = ModelFileLimits.Default;
        Assert.Equal((100_000, 100_000_000L, 16 << 20, 2_000_000, 1_000_000, 100, 100_000, 32 << 20, 1L << 30),
            (d.MaxTensors, d.MaxSafeTensorsHeaderBytes, d.MaxPickleBytes, d.MaxPickleValues, d.MaxPickleMemoEntries,
             d.MaxPickleMarkDepth, d.MaxZipEntries, d.MaxZipDirectoryBytes, d.MaxActivationBytes));
        Assert.Equal(d, new ClassifierOptions().Limits);
    }

    [Fact]
    public void NonPositiveLimitsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelFileLimits { MaxTensors = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelFileLimits.Default with { MaxActivationBytes = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelFileLimits.Default with { MaxPickleBytes = 0 });
    }
}
