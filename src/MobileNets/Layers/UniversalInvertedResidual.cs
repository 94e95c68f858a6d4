using System.Numerics.Tensors;
using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// MobileNetV4's universal inverted bottleneck (timm <c>_efficientnet_blocks.UniversalInvertedResidual</c>):
/// [start depthwise] -> expand 1x1 + act -> [middle depthwise + act] -> project 1x1 -> [end depthwise]
/// [+ input]. The optional depthwise steps give ExtraDW (start and middle), IB (middle), ConvNeXt-like
/// (start) and FFN (neither). Layer scale is folded into the last convolution at load.
/// </summary>
internal sealed class UniversalInvertedResidual : ILayer
{
    readonly Conv2d? _start;
    readonly Bottleneck _core;   // expand -> [middle] -> project
    readonly Conv2d? _end;
    readonly bool _residual;

    public UniversalInvertedResidual(Conv2d? start, Conv2d expand, Conv2d? middle, Conv2d project, Conv2d? end, bool residual)
    {
        _start = start; _core = new Bottleneck(expand, middle, null, project); _end = end; _residual = residual;
    }

    public FeatureShape OutputShape(FeatureShape input)
    {
        var s = _core.OutputShape(_start?.OutputShape(input) ?? input);
        return _end?.OutputShape(s) ?? s;
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        long macs = _start?.MultiplyAccumulates(input) ?? 0;
        var s = _start?.OutputShape(input) ?? input;
        macs += _core.MultiplyAccumulates(s);
        s = _core.OutputShape(s);
        return macs + (_end?.MultiplyAccumulates(s) ?? 0);
    }

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch)
    {
        int mark = scratch.Mark;
        ReadOnlySpan<float> h = x;
        var s = shape;
        Step(_start, ref h, ref s, scratch);
        if (_end == null)
        {
            _core.Forward(h, s, y, _residual ? x : default, scratch);
        }
        else
        {
            var cs = _core.OutputShape(s);
            var c = scratch.Take(cs.Size);
            _core.Forward(h, s, c, default, scratch);
            _end.Forward(c, cs, y, scratch);
            if (_residual) TensorPrimitives.Add(y[..shape.Size], x[..shape.Size], y[..shape.Size]);
        }
        scratch.Release(mark);
    }

    /// <summary>Runs <paramref name="conv"/> (when present) into fresh scratch and moves <paramref name="h"/> onto its output.</summary>
    static void Step(Conv2d? conv, ref ReadOnlySpan<float> h, ref FeatureShape s, Scratch scratch)
    {
        if (conv == null) return;
        var next = conv.OutputShape(s);
        var output = scratch.Take(next.Size);
        conv.Forward(h, s, output, scratch);
        h = output;
        s = next;
    }
}
