using System.Collections.Concurrent;
using MobileNets.Detection.Transforms;
using MobileNets.Imaging;

namespace MobileNets.Detection.Tests;

/// <summary>
/// One detector shared by 8 threads for 200 calls each returns exactly what a single-threaded
/// detector returns, with 1 and 2 threads per inference. The network sees 64 x 64 inputs instead of
/// 320 x 320 (the same code: the transform's size is a parameter), so the 2 x 1,600 calls take seconds.
/// </summary>
public class SharedDetectorTests
{
    const int Callers = 8, CallsPerCaller = 200, Images = 6;
    static readonly DetectionTransform Small = new(64, 64, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
    static readonly string Weights = DetectionFixtures.Path("ssdlite320_mobilenet_v3_large.safetensors");

    static RgbImage Synthetic(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var image = new RgbImage(width, height);
        rng.NextBytes(image.Pixels);
        return image;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SharedDetectorMatchesASingleThreadedRun(int threads)
    {
        var images = Enumerable.Range(0, Images).Select(i => Synthetic(48 + 7 * i, 40 + 5 * i, i)).ToArray();
        IReadOnlyList<Detection>[] expected;
        using (var single = ObjectDetector.Load(Weights, null, new DetectorOptions { Threads = 1 }, Small))
            expected = images.Select(img => single.Detect(img, 0.0f)).ToArray();
        // The images must be told apart, or a mix-up between callers could go unnoticed.
        Assert.True(expected.Select(d => string.Join(";", d)).Distinct().Count() == Images && expected.All(d => d.Count > 0),
            string.Join(" | ", expected.Select(d => $"{d.Count}: {d.FirstOrDefault()}")));

        using var detector = ObjectDetector.Load(Weights, null, new DetectorOptions { Threads = threads }, Small);
        var mismatches = new ConcurrentQueue<string>();
        using var start = new Barrier(Callers);
        var callers = Enumerable.Range(0, Callers).Select(c => new Thread(() =>
        {
            start.SignalAndWait();
            for (int call = 0; call < CallsPerCaller; call++)
            {
                int i = (c * 5 + call) % Images;
                // Exact: the same network on the same input gives the same bits whatever else runs.
                if (!detector.Detect(images[i], 0.0f).SequenceEqual(expected[i])) mismatches.Enqueue($"caller {c} call {call} image {i}");
            }
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());
        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} mismatches, first: {mismatches.FirstOrDefault()}");
    }

    [Fact]
    public void FullSizeDetectionsDoNotDependOnTheThreadCount()
    {
        var image = Synthetic(90, 70, 7);
        using var one = ObjectDetector.Load(Weights, options: new DetectorOptions { Threads = 1 });
        using var two = ObjectDetector.Load(Weights, options: new DetectorOptions { Threads = 2 });
        var expected = one.Detect(image, 0.0f);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, two.Detect(image, 0.0f));
    }
}
