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

    public static ClassifierModel Load(string path, string? architecture = null, double? width = null, int threads = 1, ModelFileLimits? limits = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        using var source = WeightFiles.Open(path, limits);
        return Load(source, architecture, width, threads: threads);
    }

    public static ClassifierModel Load(IWeightSource source, string? architecture = null, double? width = null, SimdWidth? simd = null, int threads = 1)
    {
        ArchitectureInfo arch;
        if (architecture != null) arch = ArchitectureRegistry.Find(architecture);
        else
        {
            string? named = source.Metadata.GetValueOrDefault("architecture");
            if (string.IsNullOrEmpty(named))
                throw new ArgumentException($"{source.Source}: the file's metadata names no architecture; pass one (e.g. --arch mobilenet_v3_large)");
            // A file naming something we do not know is a bad file, not a bad argument.
            if (!ArchitectureRegistry.TryFind(named, out arch))
                throw new ModelFormatException($"{source.Source}: the file's metadata names an unknown architecture '{OneLine(named)}'");
        }

        if (!source.TryGetShape(arch.ClassifierWeight, out var classifierShape) || classifierShape.Length < 1)
            throw new ModelFormatException($"{source.Source}: tensor '{arch.ClassifierWeight}' (the classifier of {arch.Id}) is missing");
        int classes = classifierShape[0];

        var spec = WidthSearch.Find(source, w => arch.Build(w, classes), arch.Id, arch.DefaultWidth, width);

        var binder = new WeightBinder(source, simd ?? SimdConfig.Best);
        var network = new Network(binder.Bind(spec), threads);
        return new ClassifierModel(arch, spec.Width, classes, binder.ParameterCount, network,
            new Dictionary<string, string>(source.Metadata));
    }

    static string OneLine(string s)
    {
        var clean = new string(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return clean.Length <= 80 ? clean : clean[..80] + "...";
    }

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
