using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Tests.Architectures;

/// <summary>Named random tensors in memory, shaped as a spec expects: a weight file without the file.</summary>
internal sealed class MemoryWeights : IWeightSource
{
    readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors = new(StringComparer.Ordinal);

    public string Source => "memory";
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();
    public IEnumerable<string> Names => _tensors.Keys;
    public float[] this[string name] => _tensors[name].Data;

    public bool TryGetShape(string name, out int[] shape)
    {
        bool found = _tensors.TryGetValue(name, out var t);
        shape = found ? t.Shape : [];
        return found;
    }

    public float[] ReadFloat32(string name) => (float[])_tensors[name].Data.Clone();
    public void Dispose() { }

    /// <summary>
    /// Random values for every tensor of <paramref name="spec"/>: weights scaled by fan-in, BatchNorm and
    /// layer-scale values far from identity so that folding mistakes show.
    /// </summary>
    public static MemoryWeights Random(NetworkSpec spec, int seed)
    {
        var rng = new Random(seed);
        float Uniform(double lo, double hi) => (float)(lo + rng.NextDouble() * (hi - lo));
        var w = new MemoryWeights();
        foreach (var (name, shape) in spec.Convolutions().SelectMany(WeightBinder.ExpectedTensors).Concat(spec.Norms().SelectMany(WeightBinder.ExpectedTensors)))
        {
            int n = shape.Aggregate(1, (a, b) => a * b);
            double fanIn = name.EndsWith(".weight") && shape.Length > 1 ? n / shape[0] : 1;
            var (lo, hi) = name switch
            {
                _ when name.EndsWith("running_var") => (0.5, 1.5),
                _ when name.EndsWith("running_mean") => (-0.3, 0.3),
                _ when name.EndsWith("gamma") => (0.5, 1.5),
                _ when shape.Length == 1 && name.EndsWith(".weight") => (0.5, 1.5),   // norm scale
                _ when shape.Length == 1 => (-0.3, 0.3),                             // norm shift, conv bias
                _ => (-Math.Sqrt(3 / fanIn), Math.Sqrt(3 / fanIn)),
            };
            w._tensors[name] = (shape, Enumerable.Range(0, n).Select(_ => Uniform(lo, hi)).ToArray());
        }
        return w;
    }
}

/// <summary>
/// Plain double-precision NHWC operations written from the PyTorch definitions, unfolded (conv, then
/// BatchNorm, activation, layer scale, anti-aliasing pool): what the engine's folded, packed layers are held to.
/// </summary>
internal static class PlainReference
{
    public static float[] Input(FeatureShape s, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, s.Size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    public static double[] Conv(double[] x, FeatureShape s, float[] weight, int outC, int kernel, int stride, int pad, int groups, out FeatureShape os)
    {
        int oh = (s.Height + 2 * pad - kernel) / stride + 1, ow = (s.Width + 2 * pad - kernel) / stride + 1;
        int inG = s.Channels / groups, outG = outC / groups;
        os = new FeatureShape(oh, ow, outC);
        var y = new double[os.Size];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int o = 0; o < outC; o++)
                {
                    double acc = 0;
                    for (int ky = 0; ky < kernel; ky++)
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy < 0 || ix < 0 || iy >= s.Height || ix >= s.Width) continue;
                            for (int i = 0; i < inG; i++)
                                acc += x[(iy * s.Width + ix) * s.Channels + o / outG * inG + i] * weight[((o * inG + i) * kernel + ky) * kernel + kx];
                        }
                    y[(oy * ow + ox) * outC + o] = acc;
                }
        return y;
    }

    public static void BatchNorm(double[] x, string norm, double eps, MemoryWeights w)
    {
        float[] g = w[$"{norm}.weight"], b = w[$"{norm}.bias"], m = w[$"{norm}.running_mean"], v = w[$"{norm}.running_var"];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % g.Length;
            x[i] = (x[i] - m[c]) / Math.Sqrt(v[c] + eps) * g[c] + b[c];
        }
    }

    /// <summary>One <see cref="ConvSpec"/> as PyTorch runs it (timm ConvNormAct + LayerScale2d).</summary>
    public static double[] Run(ConvSpec c, double[] x, FeatureShape s, MemoryWeights w, out FeatureShape os)
    {
        bool aa = c.AntiAlias != AntiAlias.None && c.Stride > 1;
        var y = Conv(x, s, w[$"{c.Name}.weight"], c.Out, c.Kernel, aa ? 1 : c.Stride, c.Padding.Size, c.Groups, out os);
        if (c.Bias) for (int i = 0; i < y.Length; i++) y[i] += w[$"{c.Name}.bias"][i % c.Out];
        if (c.Norm != null) BatchNorm(y, c.Norm, c.NormEps, w);
        for (int i = 0; i < y.Length; i++) y[i] = Activations.Apply(c.Act, (float)y[i]);
        if (c.Scale != null) for (int i = 0; i < y.Length; i++) y[i] *= w[c.Scale][i % c.Out];
        return aa ? Pool(c.AntiAlias, y, os, c.Stride, out os) : y;
    }

    /// <summary>nn.AvgPool2d(stride) or BlurPool2d(3, stride, pad_mode='constant'), written out.</summary>
    static double[] Pool(AntiAlias kind, double[] x, FeatureShape s, int stride, out FeatureShape os)
    {
        double[] taps1d = kind == AntiAlias.Average ? Enumerable.Repeat(1.0 / stride, stride).ToArray() : [0.25, 0.5, 0.25];
        int k = taps1d.Length, pad = kind == AntiAlias.Average ? 0 : 1;
        int oh = (s.Height + 2 * pad - k) / stride + 1, ow = (s.Width + 2 * pad - k) / stride + 1;
        os = s with { Height = oh, Width = ow };
        var y = new double[os.Size];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int c = 0; c < s.Channels; c++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy >= 0 && ix >= 0 && iy < s.Height && ix < s.Width)
                                y[(oy * ow + ox) * s.Channels + c] += taps1d[ky] * taps1d[kx] * x[(iy * s.Width + ix) * s.Channels + c];
                        }
        return y;
    }

    public static void AssertClose(double[] expected, float[] actual, double relative = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * max, $"[{i}] = {actual[i]}, expected {expected[i]} (max |ref| {max})");
    }
}
