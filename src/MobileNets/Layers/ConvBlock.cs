using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>A convolution as a network step (stem, head, timm 'cn' block), optionally with a skip.</summary>
internal sealed class ConvBlock : ILayer
{
    readonly Conv2d _conv;
    readonly bool _residual;

    public ConvBlock(Conv2d conv, bool residual = false) { _conv = conv; _residual = residual; }

    internal Conv2d Conv => _conv;
    internal bool HasResidual => _residual;

    public FeatureShape OutputShape(FeatureShape input) => _conv.OutputShape(input);
    public long MultiplyAccumulates(FeatureShape input) => _conv.MultiplyAccumulates(input);
    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch) =>
        _conv.Forward(x, shape, y, _residual ? x : default, scratch);
}
