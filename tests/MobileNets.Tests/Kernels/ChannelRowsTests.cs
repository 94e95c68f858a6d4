using MobileNets.Kernels;

namespace MobileNets.Tests.Kernels;

/// <summary>Channel sums and scales over pixel rows against plain loops, for channel counts around the vector width.</summary>
public class ChannelRowsTests
{
    [Fact]
    public void SumAndScaleMatchPlainLoops()
    {
        var rng = new Random(5);
        foreach (int channels in new[] { 1, 3, 7, 8, 15, 16, 17, 33, 72 })
            foreach (int pixels in new[] { 1, 2, 49 })
            {
                var x = SimdWidths.Random(rng, pixels * channels);
                var scale = SimdWidths.Random(rng, channels);
                var expectedSum = new float[channels];
                for (int p = 0; p < pixels; p++) for (int c = 0; c < channels; c++) expectedSum[c] += x[p * channels + c];
                var sum = new float[channels];
                ChannelRows.Sum(x, pixels, channels, sum);
                SimdWidths.AssertClose(expectedSum, sum, 1e-6f, $"sum c={channels} p={pixels}");

                var expected = x.Select((v, i) => v * scale[i % channels]).ToArray();
                ChannelRows.Scale(x, pixels, channels, scale);
                Assert.Equal(expected, x);
            }
    }
}
