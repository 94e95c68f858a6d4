using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>One step of a network on one image's NHWC feature map.</summary>
internal interface ILayer
{
    FeatureShape OutputShape(FeatureShape input);

    /// <summary>Reads <paramref name="x"/> and writes the whole output to <paramref name="y"/> (never aliased).</summary>
    void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch);

    /// <summary>Multiply-accumulates for one image of the given input shape.</summary>
    long MultiplyAccumulates(FeatureShape input);
}
