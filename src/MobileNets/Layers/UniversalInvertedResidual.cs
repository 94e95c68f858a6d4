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
    readonly Conv2d[] _steps;   // the convolutions present, in order

    public UniversalInvertedResidual(Conv2d? start, Conv2d expand, Conv2d? middle, Conv2d project, Conv2d? end, bool residual)
    {
        _start = start; _core = new Bottleneck(expand, middle, null, project); _end = end; _residual = residual;
        _steps = new[] { start, expand, middle, project, end }.OfType<Conv2d>().ToArray();
    }

    public FeatureShape OutputShape(FeatureShape input)
    {
        foreach (var conv in _steps) input = conv.OutputShape(input);
        return input;
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        long macs = 0;
        foreach (var conv in _steps) { macs += conv.MultiplyAccumulates(input); input = conv.OutputShape(input); }
        return macs;
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
