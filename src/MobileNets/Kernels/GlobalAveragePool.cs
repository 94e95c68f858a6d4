using System.Numerics.Tensors;

namespace MobileNets.Kernels;

/// <summary>Mean over all pixels of an NHWC map, per channel.</summary>
internal static class GlobalAveragePool
{
    public static void Run(ReadOnlySpan<float> x, int pixels, int channels, Span<float> mean)
    {
        var sum = mean[..channels];
        ChannelRows.Sum(x, pixels, channels, sum);
        TensorPrimitives.Multiply(sum, 1f / pixels, sum);
    }
}
