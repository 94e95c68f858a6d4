using System.Collections.Concurrent;
using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Segmentation.Backbone;
using MobileNets.Segmentation.Heads;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Models;

/// <summary>
/// torchvision 0.14 <c>lraspp_mobilenet_v3_large</c> or <c>deeplabv3_mobilenet_v3_large</c> bound to
/// its weights: dilated backbone tapped at C2 and C5, the head, and the final bilinear upsampling
/// (align_corners=False) to the input size (lraspp.py <c>LRASPP.forward</c>, _utils.py
/// <c>_SimpleSegmentationModel.forward</c>). Width, class count, head widths and the presence of the
/// auxiliary classifier come from the weights. Thread-safe: each call takes its own scratch. Loaded
/// for several threads, one inference splits its convolutions among them, as a classifier's does;
/// <see cref="Dispose"/> stops them.
/// </summary>
internal sealed class SegmentationModel : IDisposable
{
    public const string LrAspp = "lraspp_mobilenet_v3_large";
    public const string DeepLabV3 = "deeplabv3_mobilenet_v3_large";
    public static readonly string[] Architectures = [LrAspp, DeepLabV3];

    readonly TappedBackbone _backbone;
    readonly ISegmentationHead _head;
    readonly FcnHead? _aux;
    readonly ConcurrentBag<Scratch> _scratches = new();
    readonly Threading.WorkerPool? _pool;

    public string Architecture { get; }
    public double Width { get; }
    public int NumClasses => _head.NumClasses;
    public bool HasAuxiliary => _aux != null;
    /// <summary>Weights and biases bound, BatchNorm statistics excluded (as torch's <c>parameters()</c>), the auxiliary classifier included when present.</summary>
    public long ParameterCount { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The most threads one inference may use (1: only the caller's).</summary>
    public int Threads => _pool?.Threads ?? 1;

    SegmentationModel(string architecture, double width, TappedBackbone backbone, ISegmentationHead head, FcnHead? aux, long parameters,
        IReadOnlyDictionary<string, string> metadata, int threads)
    {
        Architecture = architecture; Width = width; _backbone = backbone; _head = head; _aux = aux; ParameterCount = parameters; Metadata = metadata;
        if (aux != null && aux.NumClasses != head.NumClasses)
            throw new ModelFormatException($"the auxiliary classifier has {aux.NumClasses} classes, the classifier {head.NumClasses}");
        _pool = threads > 1 ? new Threading.WorkerPool(threads) : null;
    }

    public static SegmentationModel Load(string path, string? architecture = null, int threads = 1, ModelFileLimits? limits = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        using var source = WeightFiles.Open(path, limits);
        return Load(source, architecture, threads: threads);
    }

    public static SegmentationModel Load(IWeightSource source, string? architecture = null, SimdWidth? simd = null, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        architecture ??= source.Metadata.GetValueOrDefault("architecture") ?? Recognize(source);
        if (!Architectures.Contains(architecture))
            throw new ArgumentException($"{source.Source}: architecture '{architecture}' is not a segmentation model (supported: {string.Join(", ", Architectures)})");
        var width = simd ?? SimdConfig.Best;

        var backboneScope = new WeightScope(source, DilatedBackboneSpec.Prefix);
        var headScope = new WeightScope(source, "classifier.");
        var auxScope = new WeightScope(source, FcnHead.Prefix);
        WeightScope.EnsureCovered(source, backboneScope.Prefix, headScope.Prefix, auxScope.Prefix);

        var network = WidthSearch.Find(backboneScope, w => DilatedBackboneSpec.Build(architecture, w).Network, architecture);
        var spec = DilatedBackboneSpec.Build(architecture, network.Width);
        var backboneBinder = new WeightBinder(backboneScope, width);
        var backbone = new TappedBackbone(backboneBinder.Bind(spec.Network), spec.TappedAtLowAndHigh);

        var headBinder = new WeightBinder(headScope, width);
        ISegmentationHead head = architecture == LrAspp
            ? LrAsppHead.Bind(headBinder, headScope, spec.LowChannels, spec.HighChannels)
            : DeepLabHead.Bind(headBinder, headScope, spec.HighChannels);
        headBinder.EnsureAllConsumed();

        FcnHead? aux = null;
        long parameters = backboneBinder.ParameterCount + headBinder.ParameterCount;
        if (auxScope.Names.Any())
        {
            if (architecture == LrAspp) throw new ModelFormatException($"{source.Source}: unexpected tensor '{auxScope.Names.First()}' (LR-ASPP has no auxiliary classifier)");
            var auxBinder = new WeightBinder(auxScope, width);
            aux = FcnHead.Bind(auxBinder, auxScope, spec.LowChannels);
            auxBinder.EnsureAllConsumed();
            parameters += auxBinder.ParameterCount;
        }
        return new SegmentationModel(architecture, network.Width, backbone, head, aux, parameters, new Dictionary<string, string>(source.Metadata), threads);
    }

    /// <summary>The architecture whose head tensors the file holds.</summary>
    static string Recognize(IWeightSource source) =>
        source.TryGetShape("classifier.cbr.0.weight", out _) ? LrAspp
        : source.TryGetShape("classifier.0.convs.0.0.weight", out _) ? DeepLabV3
        : throw new ArgumentException($"{source.Source}: the file names no architecture and holds neither an LR-ASPP nor a DeepLabV3 head; pass one");

    public long MultiplyAccumulates(int height, int width)
    {
        var shapes = _backbone.OutputShapes(new FeatureShape(height, width, 3));
        return _backbone.MultiplyAccumulates(new FeatureShape(height, width, 3)) + _head.MultiplyAccumulates(shapes[0], shapes[1])
            + (_aux?.MultiplyAccumulates(shapes[0]) ?? 0);
    }

    /// <summary>
    /// Logits (height x width x classes, NHWC) for one normalized 3 x H x W image, and the auxiliary
    /// classifier's when the model has one.
    /// </summary>
    public (float[] Out, float[]? Aux) Forward(ReadOnlySpan<float> chw, int height, int width)
    {
        var shape = new FeatureShape(height, width, 3);
        if (chw.Length != shape.Size) throw new ArgumentException($"expected 3 x {height} x {width} values, got {chw.Length}");
        var hwc = new float[shape.Size];
        Layout.ChwToHwc(chw, hwc, shape);
        var scratch = _scratches.TryTake(out var s) ? s : new Scratch(_pool);
        try
        {
            var maps = _backbone.Forward(hwc, shape, scratch);
            var logits = Upsample(_head.Forward(maps[0], maps[1], scratch), height, width);
            var aux = _aux == null ? null : Upsample(_aux.Forward(maps[0], scratch), height, width);
            return (logits, aux);
        }
        finally { _scratches.Add(scratch); }
    }

    /// <summary>Stops the worker threads (a later call runs on the caller's thread alone).</summary>
    public void Dispose() => _pool?.Dispose();

    static float[] Upsample(FeatureMap map, int height, int width)
    {
        var result = new float[height * width * map.Shape.Channels];
        BilinearResize.Run(map.Data, map.Shape.Height, map.Shape.Width, map.Shape.Channels, result, height, width);
        return result;
    }
}
