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
    readonly Conv2d? _expand;
    readonly Conv2d? _depthwise;
    readonly SqueezeExcite? _se;
    readonly Conv2d _project;
    readonly bool _residual;

    public InvertedResidual(Conv2d? expand, Conv2d? depthwise, SqueezeExcite? se, Conv2d project, bool residual)
    {
        _expand = expand; _depthwise = depthwise; _se = se; _project = project; _residual = residual;
    }

    public FeatureShape OutputShape(FeatureShape input)
    {
        var s = input;
        if (_expand != null) s = _expand.OutputShape(s);
        if (_depthwise != null) s = _depthwise.OutputShape(s);
        return _project.OutputShape(s);
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        long macs = 0;
        var s = input;
        if (_expand != null) { macs += _expand.MultiplyAccumulates(s); s = _expand.OutputShape(s); }
        if (_depthwise != null) { macs += _depthwise.MultiplyAccumulates(s); s = _depthwise.OutputShape(s); }
        if (_se != null) macs += _se.MultiplyAccumulates(s);
        return macs + _project.MultiplyAccumulates(s);
    }

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch)
    {
        int mark = scratch.Mark;
        ReadOnlySpan<float> h = x;
        var s = shape;
        if (_expand != null)
        {
            var es = _expand.OutputShape(s);
            var e = scratch.Take(es.Size);
            _expand.Forward(h, s, e, scratch);
            h = e; s = es;
        }
        if (_depthwise != null)
        {
            var ds = _depthwise.OutputShape(s);
            var d = scratch.Take(ds.Size);
            _depthwise.Forward(h, s, d, scratch);
            _se?.Apply(d, ds, scratch);
            h = d; s = ds;
        }
        _project.Forward(h, s, y, _residual ? x : default, scratch);
        scratch.Release(mark);
    }
}
