using System.Globalization;
using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Models;

/// <summary>
/// A classifier network bound to its weights: which architecture, at which width, with how many
/// classes, and the engine that runs it. Loading resolves the architecture (argument, else the
/// file's metadata) and the width (argument, else metadata, else inferred from the shapes).
/// </summary>
internal sealed class ClassifierModel
{
    public ArchitectureInfo Architecture { get; }
    public double Width { get; }
    public int NumClasses { get; }
    public long ParameterCount { get; }
    public Network Network { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    ClassifierModel(ArchitectureInfo arch, double width, int classes, long parameters, Network network, IReadOnlyDictionary<string, string> metadata)
    {
        Architecture = arch; Width = width; NumClasses = classes; ParameterCount = parameters; Network = network; Metadata = metadata;
    }

    /// <summary>MACs for one image at the architecture's default input size.</summary>
    public long DefaultMultiplyAccumulates =>
        Network.MultiplyAccumulates(new FeatureShape(Architecture.DefaultInputSize, Architecture.DefaultInputSize, 3));

    public static ClassifierModel Load(string path, string? architecture = null, double? width = null, int threads = 1)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        using var source = WeightFiles.Open(path);
        return Load(source, architecture, width, threads: threads);
    }

    public static ClassifierModel Load(IWeightSource source, string? architecture = null, double? width = null, SimdWidth? simd = null, int threads = 1)
    {
        architecture ??= source.Metadata.GetValueOrDefault("architecture");
        if (string.IsNullOrEmpty(architecture))
            throw new ArgumentException($"{source.Source}: the file's metadata names no architecture; pass one (e.g. --arch mobilenet_v3_large)");
        var arch = ArchitectureRegistry.Find(architecture);

        if (!source.TryGetShape(arch.ClassifierWeight, out var classifierShape) || classifierShape.Length < 1)
            throw new ModelFormatException($"{source.Source}: tensor '{arch.ClassifierWeight}' (the classifier of {arch.Id}) is missing");
        int classes = classifierShape[0];

        if (width == null && source.Metadata.TryGetValue("width", out var w) &&
            double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var metaWidth))
            width = metaWidth;
        var spec = width is double given ? FitOrThrow(arch, given, classes, source) : InferWidth(arch, classes, source);

        var binder = new WeightBinder(source, simd ?? SimdConfig.Best);
        var network = new Network(binder.Bind(spec), threads);
        return new ClassifierModel(arch, spec.Width, classes, binder.ParameterCount, network,
            new Dictionary<string, string>(source.Metadata));
    }

    static NetworkSpec FitOrThrow(ArchitectureInfo arch, double width, int classes, IWeightSource source)
    {
        if (!(width > 0 && width <= 8)) throw new ArgumentException($"width {width} is outside (0, 8]");
        var spec = arch.Build(width, classes);
        var mismatch = WeightBinder.FirstMismatch(spec, source);
        if (mismatch != null)
            throw new ModelFormatException($"{source.Source}: weights do not fit {arch.Id} at width {Format(width)}: {mismatch}");
        return spec;
    }

    /// <summary>
    /// Tries the default width, then the published ones, then a 0.0025 grid up to 4 nearest the
    /// default first: finer than any rounding window of make_divisible(8) on these channel counts,
    /// so every width that gives distinct shapes has a representative. The first width whose every
    /// tensor shape matches wins (widths with identical shapes give identical networks).
    /// </summary>
    static NetworkSpec InferWidth(ArchitectureInfo arch, int classes, IWeightSource source)
    {
        double[] published = [0.25, 0.35, 0.5, 0.75, 1.0, 1.1, 1.2, 1.25, 1.3, 1.4, 1.5, 2.0];
        var grid = Enumerable.Range(1, 1600).Select(i => Math.Round(i * 0.0025, 4)).OrderBy(x => Math.Abs(x - arch.DefaultWidth)).ThenBy(x => x);
        foreach (var w in published.Prepend(arch.DefaultWidth).Concat(grid).Distinct())
        {
            NetworkSpec spec;
            try { spec = arch.Build(w, classes); }
            catch (ArgumentException) { continue; }
            if (WeightBinder.FirstMismatch(spec, source) == null) return spec;
        }
        var reason = WeightBinder.FirstMismatch(arch.Build(arch.DefaultWidth, classes), source);
        throw new ModelFormatException($"{source.Source}: weights fit no width of {arch.Id}; at its default width {Format(arch.DefaultWidth)}: {reason}");
    }

    static string Format(double w) => w.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Logits (N x classes) written into <paramref name="logits"/>; allocates nothing after warm-up.</summary>
    public void Logits(ReadOnlySpan<float> nchw, int batch, int height, int width, Span<float> logits, CancellationToken cancellation = default)
    {
        if (logits.Length != batch * NumClasses) throw new ArgumentException($"logits must hold {batch} x {NumClasses} values");
        Network.Forward(nchw, batch, height, width, logits, cancellation);
    }

    /// <summary>Logits (N x classes) for an NCHW float batch.</summary>
    public float[] Logits(ReadOnlySpan<float> nchw, int batch, int height, int width)
    {
        var output = Network.Forward(nchw, batch, height, width, out var shape);
        if (shape.Size != NumClasses) throw new InvalidOperationException($"network produced {shape} instead of {NumClasses} logits");
        return output;
    }
}
