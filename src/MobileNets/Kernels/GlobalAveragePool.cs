using System.Numerics.Tensors;

namespace MobileNets.Kernels;

/// <summary>Mean over all pixels of an NHWC map, per channel.</summary>
internal static class GlobalAveragePool
{
    public static void Run(ReadOnlySpan<float> x, int pixels, int channels, Span<float> mean)
    {
        var sum = mean[..channels];
        x[..channels].CopyTo(sum);
        for (int p = 1; p < pixels; p++) TensorPrimitives.Add(sum, x.Slice(p * channels, channels), sum);
        TensorPrimitives.Multiply(sum, 1f / pixels, sum);
    }
}
