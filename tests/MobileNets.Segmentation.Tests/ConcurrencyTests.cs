using System.Collections.Concurrent;
using MobileNets.Imaging;

namespace MobileNets.Segmentation.Tests;

/// <summary>
/// One segmenter shared by 8 threads for 200 calls each returns exactly what a single-threaded
/// segmenter returns, with 1 and 2 threads per inference. The images are resized to a 48-pixel
/// shorter side instead of 520 (the same code: the transform's size is a parameter), so the
/// 2 x 1,600 calls take seconds; one full-size comparison checks the thread counts agree there too.
/// </summary>
public class ConcurrencyTests
{
    const int Callers = 8, CallsPerCaller = 200, Images = 4, SmallSide = 48;
    static readonly string Weights = SegmentationParityTests.Fixture("lraspp_mobilenet_v3_large.safetensors");

    static RgbImage Synthetic(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SharedSegmenterMatchesASingleThreadedRun(int threads)
    {
        var images = Enumerable.Range(0, Images).Select(i => Synthetic(40 + 9 * i, 30 + 4 * i, i)).ToArray();
        // Logits, not only class maps: a mix-up or a corrupted scratch could still give the same argmax.
        float[][] expected;
        using (var single = SemanticSegmenter.Load(Weights, null, new SegmenterOptions { Threads = 1 }, SmallSide))
            expected = images.Select(img => single.Segment(img, includeLogits: true).Logits!).ToArray();

        using var segmenter = SemanticSegmenter.Load(Weights, null, new SegmenterOptions { Threads = threads }, SmallSide);
        var mismatches = new ConcurrentQueue<string>();
        using var start = new Barrier(Callers);
        var callers = Enumerable.Range(0, Callers).Select(c => new Thread(() =>
        {
            start.SignalAndWait();
            for (int call = 0; call < CallsPerCaller; call++)
            {
                int i = (c + call) % Images;
                if (!segmenter.Segment(images[i], includeLogits: true).Logits.AsSpan().SequenceEqual(expected[i])) mismatches.Enqueue($"caller {c} call {call} image {i}");
            }
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());
        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} mismatches, first: {mismatches.FirstOrDefault()}");
    }

    [Fact]
    public void FullSizeLogitsDoNotDependOnTheThreadCount()
    {
        var image = Synthetic(40, 30, 9);
        using var one = SemanticSegmenter.Load(Weights, options: new SegmenterOptions { Threads = 1 });
        using var two = SemanticSegmenter.Load(Weights, options: new SegmenterOptions { Threads = 2 });
        Assert.Equal(one.Segment(image, includeLogits: true).Logits, two.Segment(image, includeLogits: true).Logits);
    }
}
