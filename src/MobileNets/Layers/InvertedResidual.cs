using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// MobileNetV2's inverted residual with linear bottleneck (MobileNetV2 §3.3), with the optional SE of
/// V3: [expand 1x1 + act] -> depthwise kxk + act -> [SE] -> project 1x1 (linear) [+ input].
/// Without the expansion it is the depthwise-separable block (timm 'ds', V1); without the
/// depthwise it is a single convolution block (timm 'cn').
/// </summary>
internal sealed class InvertedResidual : ILayer
{
    readonly Bottleneck _core;
    readonly bool _residual;

    public InvertedResidual(Conv2d? expand, Conv2d? depthwise, SqueezeExcite? se, Conv2d project, bool residual)
    {
        _core = new Bottleneck(expand, depthwise, se, project);
        _residual = residual;
    }

    internal Bottleneck Core => _core;
    internal bool HasResidual => _residual;

    public FeatureShape OutputShape(FeatureShape input) => _core.OutputShape(input);

    public long MultiplyAccumulates(FeatureShape input) => _core.MultiplyAccumulates(input);

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch) =>
        _core.Forward(x, shape, y, _residual ? x : default, scratch);
}
