using System.Diagnostics;
using MobileNets.Imaging;

namespace MobileNets.Tests.Hardening;

/// <summary><see cref="ImageClassifier.ClassifyBatch(IReadOnlyList{RgbImage}, int, CancellationToken)"/> stops promptly once its token is cancelled.</summary>
public class CancellationTests
{
    [Fact]
    public void AnAlreadyCancelledTokenStopsBeforeAnyWork()
    {
        using var classifier = HardeningFixtures.Load(threads: 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        // Paths that do not exist: decoding any of them would throw FileNotFoundException instead.
        Assert.Throws<OperationCanceledException>(() => classifier.ClassifyBatch(["/nonexistent/a.png", "/nonexistent/b.png"], 1, cts.Token));
        Assert.Throws<OperationCanceledException>(() => classifier.ClassifyBatch([HardeningFixtures.Synthetic(8, 8, 0)], 1, cts.Token));
    }

    [Fact]
    public void CancellingWhileDecodingStopsAnEndlessBatch()
    {
        using var classifier = HardeningFixtures.Load(threads: 1);
        string image = Path.Combine(TestPaths.Fixtures("Imaging", "inputs"), "png_1x1.png");
        using var cts = new CancellationTokenSource();
        int yielded = 0;
        IEnumerable<string> Endless()
        {
            // Without the token this would run until memory ran out; the cap turns that into a failure.
            while (yielded < 10_000)
            {
                if (++yielded == 5) cts.Cancel();
                yield return image;
            }
        }
        Assert.Throws<OperationCanceledException>(() => classifier.ClassifyBatch(Endless(), 1, cts.Token));
        Assert.True(yielded <= 6, $"{yielded} paths were taken after cancellation at the 5th");
    }

    [Fact]
    public void CancellingDuringTheForwardPassStopsWithinAboutOneImage()
    {
        // Full-size inputs (the model's own 224 x 224 transform) so one batch takes long enough to interrupt.
        using var classifier = ImageClassifier.Load(HardeningFixtures.ModelPath, options: new ClassifierOptions { Threads = 1 });
        var images = Enumerable.Range(0, 48).Select(i => HardeningFixtures.Synthetic(64, 64, i)).ToArray();
        var full = Stopwatch.StartNew();
        classifier.ClassifyBatch(images, 1, TestContext.Current.CancellationToken);
        full.Stop();

        using var cts = new CancellationTokenSource(full.Elapsed / 4);
        var clock = Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => classifier.ClassifyBatch(images, 1, cts.Token));
        clock.Stop();
        // Cancelled a quarter in, the token is checked before every image: it must stop well before the end.
        Assert.True(clock.Elapsed < full.Elapsed * 0.9, $"cancelled run took {clock.Elapsed}, the full batch {full.Elapsed}");
    }
}
