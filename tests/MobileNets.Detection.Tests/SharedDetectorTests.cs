using MobileNets.Imaging;

namespace MobileNets.Detection.Tests;

/// <summary>One detector shared by 8 threads for 200 calls each returns exactly what sequential calls return.</summary>
public class SharedDetectorTests
{
    static RgbImage Synthetic(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var image = new RgbImage(width, height);
        rng.NextBytes(image.Pixels);
        return image;
    }

    [Fact]
    public void SharedDetectorMatchesSequentialCalls()
    {
        using var detector = ObjectDetector.Load(DetectionFixtures.Path("ssdlite320_mobilenet_v3_large.safetensors"));
        var images = Enumerable.Range(0, 4).Select(i => Synthetic(48 + 7 * i, 40 + 5 * i, i)).ToArray();
        var sequential = images.Select(img => detector.Detect(img, 0.0f)).ToArray();
        Assert.Contains(sequential, d => d.Count > 0);
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int call = 0; call < 200; call++)
            {
                int i = (t + call) % images.Length;
                if (!detector.Detect(images[i], 0.0f).SequenceEqual(sequential[i])) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }
}
