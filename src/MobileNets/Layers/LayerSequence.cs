using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// Layers run one after another as a single layer: a backbone stage between two taps, or a
/// head branch. Intermediate maps alternate between two scratch buffers; the last layer writes
/// straight into the caller's output.
/// </summary>
internal sealed class LayerSequence : ILayer
{
    readonly ILayer[] _layers;   // an array: foreach over an interface would allocate an enumerator per call
    readonly ILayer[] _steps;    // what runs: the layers, with some runs fused (LayerFusion)

    public LayerSequence(IEnumerable<ILayer> layers)
    {
        _layers = layers.ToArray();
        if (_layers.Length == 0) throw new ArgumentException("a sequence needs at least one layer", nameof(layers));
        _steps = LayerFusion.Fuse(_layers);
    }

    public IReadOnlyList<ILayer> Layers => _layers;

    public FeatureShape OutputShape(FeatureShape input)
    {
        foreach (var l in _layers) input = l.OutputShape(input);
        return input;
    }

    public long MultiplyAccumulates(FeatureShape input)
    {
        long macs = 0;
        foreach (var l in _layers) { macs += l.MultiplyAccumulates(input); input = l.OutputShape(input); }
        return macs;
    }

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch)
    {
        var steps = _steps;
        int largest = 0;
        var walk = shape;
        for (int i = 0; i < steps.Length - 1; i++) { walk = steps[i].OutputShape(walk); largest = Math.Max(largest, walk.Size); }
        int mark = scratch.Mark;
        var a = scratch.Take(largest);
        var b = scratch.Take(largest);
        ReadOnlySpan<float> input = x;
        for (int i = 0; i < steps.Length; i++)
        {
            var next = steps[i].OutputShape(shape);
            var output = i == steps.Length - 1 ? y[..next.Size] : (i % 2 == 0 ? a : b)[..next.Size];
            steps[i].Forward(input, shape, output, scratch);
            input = output;
            shape = next;
        }
        scratch.Release(mark);
    }
}
