using MobileNets.Kernels;
using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>Global average pooling to a 1x1 map (torch AdaptiveAvgPool2d(1)).</summary>
internal sealed class GlobalPool : ILayer
{
    public FeatureShape OutputShape(FeatureShape input) => new(1, 1, input.Channels);
    public long MultiplyAccumulates(FeatureShape input) => 0;
    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch) =>
        GlobalAveragePool.Run(x, shape.Pixels, shape.Channels, y);
}
