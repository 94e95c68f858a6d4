using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>A feature map one stage of a backbone produced (NHWC).</summary>
internal sealed record FeatureMap(float[] Data, FeatureShape Shape);

/// <summary>
/// A backbone as consecutive stages, every stage's output kept: the feature pyramid the SSD heads
/// read (ssdlite.py <c>SSDLiteFeatureExtractorMobileNet.forward</c>), or the low/high taps of the
/// segmentation heads (torchvision <c>IntermediateLayerGetter</c>).
/// </summary>
internal sealed class TappedBackbone
{
    readonly LayerSequence[] _stages;

    /// <summary>Groups bound layers into stages of the given lengths.</summary>
    public TappedBackbone(IReadOnlyList<ILayer> layers, IReadOnlyList<int> stageLengths)
    {
        if (stageLengths.Sum() != layers.Count) throw new ArgumentException("stage lengths do not add up to the layer count");
        var stages = new List<LayerSequence>();
        int start = 0;
        foreach (int n in stageLengths) { stages.Add(new LayerSequence(layers.Skip(start).Take(n))); start += n; }
        _stages = [.. stages];
    }

    public int StageCount => _stages.Length;

    public FeatureShape[] OutputShapes(FeatureShape input)
    {
        var shapes = new FeatureShape[_stages.Length];
        for (int i = 0; i < _stages.Length; i++) shapes[i] = input = _stages[i].OutputShape(input);
        return shapes;
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        long macs = 0;
        foreach (var s in _stages) { macs += s.MultiplyAccumulates(input); input = s.OutputShape(input); }
        return macs;
    }

    public FeatureMap[] Forward(ReadOnlySpan<float> hwc, FeatureShape shape, Scratch scratch)
    {
        var maps = new FeatureMap[_stages.Length];
        ReadOnlySpan<float> x = hwc;
        for (int i = 0; i < _stages.Length; i++)
        {
            var next = _stages[i].OutputShape(shape);
            var y = new float[next.Size];
            _stages[i].Forward(x, shape, y, scratch);
            maps[i] = new FeatureMap(y, next);
            x = y;
            shape = next;
        }
        return maps;
    }
}
