using MobileNets.Imaging;

namespace MobileNets.Segmentation.Tests;

/// <summary>
/// One segmenter shared by 8 threads returns exactly what sequential calls return. 8 x 25 calls, not
/// 8 x 200: the model's transform brings every image to a 520-pixel shorter side, so each call costs
/// tens of milliseconds on two cores.
/// </summary>
public class ConcurrencyTests
{
    [Fact]
    public void SharedSegmenterMatchesSequentialCalls()
    {
        using var segmenter = SemanticSegmenter.Load(SegmentationParityTests.Fixture("lraspp_mobilenet_v3_large.safetensors"));
        var images = Enumerable.Range(0, 3).Select(i =>
        {
            var image = new RgbImage(40 + 9 * i, 30 + 4 * i);
            new Random(i).NextBytes(image.Pixels);
            return image;
        }).ToArray();
        var sequential = images.Select(img => segmenter.Segment(img).ClassMap).ToArray();
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int call = 0; call < 25; call++)
            {
                int i = (t + call) % images.Length;
                if (!segmenter.Segment(images[i]).ClassMap.AsSpan().SequenceEqual(sequential[i])) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }
}
