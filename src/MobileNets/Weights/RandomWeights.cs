using MobileNets.Architectures;

namespace MobileNets.Weights;

/// <summary>
/// Seeded random weights for any <see cref="NetworkSpec"/>, shaped exactly as a real file would be:
/// for benchmarks (speed does not depend on the values) and tests. BatchNorm statistics are
/// randomized too, so folding is never an identity.
/// </summary>
internal sealed class RandomWeights : IWeightSource
{
    readonly Dictionary<string, (int[] Shape, Func<float[]> Make)> _tensors = new(StringComparer.Ordinal);

    public RandomWeights(NetworkSpec spec, int seed = 0)
    {
        var rng = new Random(seed);
        Metadata = new Dictionary<string, string>
        {
            ["architecture"] = spec.Architecture,
            ["width"] = spec.Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var normWeights = WeightBinder.NormNames(spec).Select(n => $"{n}.weight").ToHashSet(StringComparer.Ordinal);
        foreach (var (name, shape) in WeightBinder.ExpectedTensors(spec))
        {
            int n = shape.Aggregate(1, (a, d) => a * d);
            int fanIn = shape.Length > 1 ? n / shape[0] : 1;
            float std = (float)Math.Sqrt(2.0 / fanIn);
            int s = rng.Next();
            Func<float[]> make = name.EndsWith(".running_var", StringComparison.Ordinal) ? () => Uniform(n, s, 0.5f, 2f)
                : name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal) ? () => Uniform(n, s, -0.2f, 0.2f)
                : normWeights.Contains(name) || shape.Length == 1 ? () => Uniform(n, s, 0.5f, 1.5f)   // BN and layer-scale gammas
                : () => Uniform(n, s, -std * 1.7f, std * 1.7f);
            _tensors[name] = (shape, make);
        }
    }

    static float[] Uniform(int n, int seed, float lo, float hi)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (float)rng.NextDouble() * (hi - lo);
        return a;
    }

    public string Source => "random weights";
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IEnumerable<string> Names => _tensors.Keys;

    public bool TryGetShape(string name, out int[] shape)
    {
        bool ok = _tensors.TryGetValue(name, out var t);
        shape = ok ? t.Shape : [];
        return ok;
    }

    public float[] ReadFloat32(string name) => _tensors[name].Make();
    public void Dispose() { }
}
