using System.Diagnostics;

namespace MobileNets.Tests.Hardening;

/// <summary>Runs alone: it counts the process's threads, which tests running alongside would disturb.</summary>
[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public sealed class ThreadCountCollection;

/// <summary>A Load refused after the network was built (labels, transform) must not leave its worker threads behind.</summary>
[Collection(nameof(ThreadCountCollection))]
public class RefusedOptionsTests
{
    [Fact]
    public void RefusedLoadsLeaveNoWorkerThreads() => AssertRefusedLoadsLeaveNoThreads(HardeningFixtures.ModelPath);

    [Fact]
    public void RefusedTfLiteLoadsLeaveNoWorkerThreads() =>
        AssertRefusedLoadsLeaveNoThreads(TfLite.TfLiteTestData.Shared("tflite/mobilenet_v1_0.25_128_quant.tflite"));

    static void AssertRefusedLoadsLeaveNoThreads(string modelPath)
    {
        const int Loads = 20, WorkersPerLoad = 3;
        var options = new ClassifierOptions { Threads = WorkersPerLoad + 1, Labels = ["only", "two"], Transform = HardeningFixtures.Small };
        int before = Process.GetCurrentProcess().Threads.Count;
        for (int i = 0; i < Loads; i++)
            Assert.Throws<ArgumentException>(() => ImageClassifier.Load(modelPath, options: options));
        int after = Process.GetCurrentProcess().Threads.Count;
        // A leak would add 60 threads; the runtime's own pools move by a few at most.
        Assert.True(after - before < Loads * WorkersPerLoad / 4, $"threads went from {before} to {after}");
    }
}
