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
        // Deterministic: the token is cancelled while the last image is being prepared, so the
        // preparation loop completes and it is the forward pass (checked before every image) that stops.
        using var classifier = ImageClassifier.Load(HardeningFixtures.ModelPath, options: new ClassifierOptions { Threads = 1 });
        var images = Enumerable.Range(0, 8).Select(i => HardeningFixtures.Synthetic(64, 64, i)).ToArray();
        using var cts = new CancellationTokenSource();
        var list = new CancelOnLast(images, cts);
        Assert.Throws<OperationCanceledException>(() => classifier.ClassifyBatch(list, 1, cts.Token));
        Assert.True(list.LastRead, "the last image was prepared before the forward pass stopped");
    }

    sealed class CancelOnLast(IReadOnlyList<MobileNets.Imaging.RgbImage> images, CancellationTokenSource cts) : IReadOnlyList<MobileNets.Imaging.RgbImage>
    {
        public bool LastRead { get; private set; }
        public int Count => images.Count;
        public MobileNets.Imaging.RgbImage this[int index]
        {
            get
            {
                if (index == images.Count - 1) { LastRead = true; cts.Cancel(); }
                return images[index];
            }
        }
        public IEnumerator<MobileNets.Imaging.RgbImage> GetEnumerator() => images.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

}
