using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;

namespace MobileNets.Weights;

/// <summary>
/// Binds a weight file to a <see cref="NetworkSpec"/> strictly: every tensor the spec names must be
/// present with its exact shape and finite values, and every tensor in the file must be consumed.
/// BatchNorm is folded into the preceding convolution here.
/// </summary>
internal sealed class WeightBinder
{
    readonly IWeightSource _source;
    readonly HashSet<string> _consumed = new(StringComparer.Ordinal);
    readonly SimdWidth _width;

    public long ParameterCount { get; private set; }

    public WeightBinder(IWeightSource source, SimdWidth width) { _source = source; _width = width; }

    static readonly string[] NormParameters = ["weight", "bias"];
    static readonly string[] NormBuffers = ["running_mean", "running_var"];

    /// <summary>Every tensor a convolution needs, with its shape.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ExpectedTensors(ConvSpec c)
    {
        yield return ($"{c.Name}.weight", c.WeightShape);
        if (c.Bias) yield return ($"{c.Name}.bias", [c.Out]);
        if (c.Norm != null)
            foreach (var p in NormParameters.Concat(NormBuffers)) yield return ($"{c.Norm}.{p}", [c.Out]);
    }

    /// <summary>The first way the file does not fit the spec, or null when it fits (names and shapes only).</summary>
    public static string? FirstMismatch(NetworkSpec spec, IWeightSource source)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conv in spec.Convolutions())
        {
            foreach (var (name, shape) in ExpectedTensors(conv))
            {
                expected.Add(name);
                if (!source.TryGetShape(name, out var actual)) return $"tensor '{name}' is missing";
                if (!actual.SequenceEqual(shape))
                    return $"tensor '{name}' has shape [{string.Join(",", actual)}], expected [{string.Join(",", shape)}]";
            }
            if (conv.Norm != null) expected.Add($"{conv.Norm}.num_batches_tracked");
        }
        var unexpected = source.Names.FirstOrDefault(n => !expected.Contains(n));
        return unexpected == null ? null : $"unexpected tensor '{unexpected}'";
    }

    float[] Read(string name, int[] shape)
    {
        if (!_source.TryGetShape(name, out var actual))
            throw new ModelFormatException($"{_source.Source}: tensor '{name}' is missing");
        if (!actual.SequenceEqual(shape))
            throw new ModelFormatException($"{_source.Source}: tensor '{name}' has shape [{string.Join(",", actual)}], expected [{string.Join(",", shape)}]");
        var data = _source.ReadFloat32(name);
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i]))
                throw new ModelFormatException($"{_source.Source}: tensor '{name}' holds a non-finite value ({data[i]}) at index {i}");
        _consumed.Add(name);
        return data;
    }

    /// <summary>The convolution's weights and bias with its BatchNorm folded in (computed in double).</summary>
    public (float[] Weights, float[] Bias) ReadFolded(ConvSpec c)
    {
        var w = Read($"{c.Name}.weight", c.WeightShape);
        ParameterCount += w.Length;
        float[] bias = c.Bias ? Read($"{c.Name}.bias", [c.Out]) : new float[c.Out];
        if (c.Bias) ParameterCount += c.Out;
        if (c.Norm == null) return (w, bias);

        var gamma = Read($"{c.Norm}.weight", [c.Out]);
        var beta = Read($"{c.Norm}.bias", [c.Out]);
        var mean = Read($"{c.Norm}.running_mean", [c.Out]);
        var variance = Read($"{c.Norm}.running_var", [c.Out]);
        ParameterCount += 2 * c.Out;
        string tracked = $"{c.Norm}.num_batches_tracked";
        if (_source.TryGetShape(tracked, out _)) _consumed.Add(tracked);   // a training counter, not used at inference

        int perOut = w.Length / c.Out;
        for (int o = 0; o < c.Out; o++)
        {
            double scale = gamma[o] / Math.Sqrt(variance[o] + c.NormEps);
            for (int i = 0; i < perOut; i++) w[o * perOut + i] = (float)(w[o * perOut + i] * scale);
            bias[o] = (float)((bias[o] - mean[o]) * scale + beta[o]);
        }
        return (w, bias);
    }

    public Conv2d Conv(ConvSpec c)
    {
        var (w, b) = ReadFolded(c);
        return new Conv2d(c.In, c.Out, c.Kernel, c.Stride, c.Dilation, c.Groups, c.Padding, w, b, c.Act, _width);
    }

    /// <summary>Fails naming the first tensor of the file that no layer consumed.</summary>
    public void EnsureAllConsumed()
    {
        var left = _source.Names.FirstOrDefault(n => !_consumed.Contains(n));
        if (left != null) throw new ModelFormatException($"{_source.Source}: unexpected tensor '{left}'");
    }

    /// <summary>Builds the runtime layers of <paramref name="spec"/> from the file.</summary>
    public List<ILayer> Bind(NetworkSpec spec)
    {
        var layers = new List<ILayer>();
        foreach (var layer in spec.Layers)
            layers.Add(layer switch
            {
                ConvBlockSpec c => new ConvBlock(Conv(c.Conv), c.Residual),
                InvertedResidualSpec ir => new InvertedResidual(
                    ir.Expand == null ? null : Conv(ir.Expand),
                    ir.Depthwise == null ? null : Conv(ir.Depthwise),
                    ir.Se == null ? null : new SqueezeExcite(Conv(ir.Se.Reduce), Conv(ir.Se.Expand)),
                    Conv(ir.Project), ir.Residual),
                GlobalPoolSpec => new GlobalPool(),
                _ => throw new NotSupportedException($"layer {layer.GetType().Name} has no binder"),
            });
        EnsureAllConsumed();
        return layers;
    }
}
