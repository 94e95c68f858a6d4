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
            foreach (var t in ExpectedTensors(new NormSpec(c.Norm, c.Out))) yield return t;
        if (c.Scale != null) yield return (c.Scale, [c.Out]);
    }

    /// <summary>Every tensor a BatchNorm needs (its training counter <c>num_batches_tracked</c> is optional).</summary>
    public static IEnumerable<(string Name, int[] Shape)> ExpectedTensors(NormSpec n) =>
        NormParameters.Concat(NormBuffers).Select(p => ($"{n.Name}.{p}", new[] { n.Channels }));

    /// <summary>Every tensor the network needs, in execution order.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ExpectedTensors(NetworkSpec spec) =>
        spec.Convolutions().SelectMany(ExpectedTensors).Concat(spec.Norms().SelectMany(ExpectedTensors));

    /// <summary>The names of every BatchNorm of the network (folded or standalone).</summary>
    public static IEnumerable<string> NormNames(NetworkSpec spec) =>
        spec.Convolutions().Select(c => c.Norm).OfType<string>().Concat(spec.Norms().Select(n => n.Name));

    /// <summary>The first way the file does not fit the spec, or null when it fits (names and shapes only).</summary>
    public static string? FirstMismatch(NetworkSpec spec, IWeightSource source)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var norms = NormNames(spec);
        foreach (var (name, shape) in ExpectedTensors(spec))
        {
            expected.Add(name);
            if (!source.TryGetShape(name, out var actual)) return $"tensor '{name}' is missing";
            if (!actual.SequenceEqual(shape))
                return $"tensor '{name}' has shape [{string.Join(",", actual)}], expected [{string.Join(",", shape)}]";
        }
        foreach (var norm in norms) expected.Add($"{norm}.num_batches_tracked");
        var unexpected = source.Names.FirstOrDefault(n => !expected.Contains(n));
        return unexpected == null ? null : $"unexpected tensor '{MessageText.Shown(unexpected)}'";
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
        if (c.Norm == null && c.Scale == null) return (w, bias);

        var (scale, shift) = c.Norm == null ? (Enumerable.Repeat(1.0, c.Out).ToArray(), new double[c.Out]) : ReadNormDouble(new NormSpec(c.Norm, c.Out, c.NormEps));
        if (c.Scale != null)
        {
            // Layer scale multiplies the normalized output: exact to fold only where no activation follows.
            if (c.Act != Activation.None) throw new InvalidOperationException($"{c.Name}: a layer scale after an activation cannot be folded");
            var gamma = Read(c.Scale, [c.Out]);
            ParameterCount += c.Out;
            for (int o = 0; o < c.Out; o++) { scale[o] *= gamma[o]; shift[o] *= gamma[o]; }
        }
        int perOut = w.Length / c.Out;
        for (int o = 0; o < c.Out; o++)
        {
            for (int i = 0; i < perOut; i++) w[o * perOut + i] = (float)(w[o * perOut + i] * scale[o]);
            bias[o] = (float)(bias[o] * scale[o] + shift[o]);
        }
        return (w, bias);
    }

    /// <summary>An inference BatchNorm as y = x * scale + shift per channel (computed in double).</summary>
    (double[] Scale, double[] Shift) ReadNormDouble(NormSpec n)
    {
        var gamma = Read($"{n.Name}.weight", [n.Channels]);
        var beta = Read($"{n.Name}.bias", [n.Channels]);
        var mean = Read($"{n.Name}.running_mean", [n.Channels]);
        var variance = Read($"{n.Name}.running_var", [n.Channels]);
        ParameterCount += 2 * n.Channels;
        string tracked = $"{n.Name}.num_batches_tracked";
        if (_source.TryGetShape(tracked, out _)) _consumed.Add(tracked);   // a training counter, not used at inference
        var scale = new double[n.Channels];
        var shift = new double[n.Channels];
        for (int c = 0; c < n.Channels; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + n.Eps);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return (scale, shift);
    }

    /// <summary>A standalone BatchNorm as float scale and shift.</summary>
    public (float[] Scale, float[] Shift) ReadNorm(NormSpec n)
    {
        var (scale, shift) = ReadNormDouble(n);
        return (scale.Select(v => (float)v).ToArray(), shift.Select(v => (float)v).ToArray());
    }

    public Conv2d Conv(ConvSpec c)
    {
        var (w, b) = ReadFolded(c);
        return new Conv2d(c.In, c.Out, c.Kernel, c.Stride, c.Dilation, c.Groups, c.Padding, w, b, c.Act, _width, c.AntiAlias);
    }

    /// <summary>Fails naming the first tensor of the file that no layer consumed.</summary>
    public void EnsureAllConsumed()
    {
        var left = _source.Names.FirstOrDefault(n => !_consumed.Contains(n));
        if (left != null) throw new ModelFormatException($"{_source.Source}: unexpected tensor '{MessageText.Shown(left)}'");
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
                UniversalInvertedResidualSpec u => new UniversalInvertedResidual(
                    Optional(u.StartDepthwise), Conv(u.Expand), Optional(u.MiddleDepthwise), Conv(u.Project), Optional(u.EndDepthwise), u.Residual),
                MobileAttentionSpec m => MobileAttention(m),
                GlobalPoolSpec => new GlobalPool(),
                _ => throw new NotSupportedException($"layer {layer.GetType().Name} has no binder"),
            });
        EnsureAllConsumed();
        return layers;
    }

    Conv2d? Optional(ConvSpec? c) => c == null ? null : Conv(c);

    MobileAttention MobileAttention(MobileAttentionSpec m)
    {
        var (scale, shift) = ReadNorm(m.Norm);
        return new MobileAttention(scale, shift, Conv(m.Query), Optional(m.KeyDownsample), Conv(m.Key),
            Optional(m.ValueDownsample), Conv(m.Value), Conv(m.Output), m.Heads, m.KeyDim, m.ValueDim, m.Residual);
    }
}
