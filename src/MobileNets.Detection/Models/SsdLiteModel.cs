using System.Collections.Concurrent;
using MobileNets.Architectures;
using MobileNets.Detection.Anchors;
using MobileNets.Detection.Backbone;
using MobileNets.Detection.Boxes;
using MobileNets.Detection.Heads;
using MobileNets.Detection.Postprocessing;
using MobileNets.Detection.Transforms;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Detection.Models;

/// <summary>
/// torchvision 0.14 <c>ssdlite320_mobilenet_v3_large</c> bound to its weights: transform, tapped
/// backbone, SSDLite head, default boxes and post-processing. Width and class count come from the
/// weights. Thread-safe: each call takes its own scratch. Loaded for several threads, one inference
/// splits its convolutions among them, as a classifier's does; <see cref="Dispose"/> stops them.
/// </summary>
internal sealed class SsdLiteModel : IDisposable
{
    public const string ArchitectureId = "ssdlite320_mobilenet_v3_large";

    readonly TappedBackbone _backbone;
    readonly SsdLiteHead _head;
    readonly float[] _anchors;
    readonly ConcurrentBag<Scratch> _scratches = new();
    readonly Threading.WorkerPool? _pool;

    public double Width { get; }
    public int NumClasses => _head.NumClasses;
    public long ParameterCount { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public DetectionTransform Transform { get; }
    public DetectionPostprocessor Postprocessor { get; }

    /// <summary>The most threads one inference may use (1: only the caller's).</summary>
    public int Threads => _pool?.Threads ?? 1;

    SsdLiteModel(TappedBackbone backbone, SsdLiteHead head, double width, long parameters, IReadOnlyDictionary<string, string> metadata,
        DetectionSettings settings, DetectionTransform transform, int threads)
    {
        _backbone = backbone; _head = head; Width = width; ParameterCount = parameters; Metadata = metadata; Transform = transform;
        _pool = threads > 1 ? new Threading.WorkerPool(threads) : null;
        Postprocessor = new DetectionPostprocessor(BoxCoder.Ssd, settings);
        // The input is always the fixed size, so the default boxes are computed once.
        var grids = _backbone.OutputShapes(Transform.OutputShape).Select(s => (s.Height, s.Width)).ToList();
        _anchors = DefaultBoxGenerator.SsdLite.Boxes(grids, Transform.OutputShape.Height, Transform.OutputShape.Width);
    }

    public static SsdLiteModel Load(string path, string? architecture = null, DetectionSettings? settings = null, int threads = 1,
        ModelFileLimits? limits = null, DetectionTransform? transform = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        using var source = WeightFiles.Open(path, limits);
        return Load(source, architecture, settings, threads: threads, transform: transform);
    }

    /// <param name="source">The weights.</param>
    /// <param name="architecture">Must be <see cref="ArchitectureId"/> when given.</param>
    /// <param name="settings">Post-processing; torchvision's defaults when null.</param>
    /// <param name="simd">Kernel width; the widest the CPU has when null.</param>
    /// <param name="threads">Threads one inference may use.</param>
    /// <param name="transform">The input transform; <see cref="DetectionTransform.SsdLite320"/> when null (tests run smaller inputs).</param>
    public static SsdLiteModel Load(IWeightSource source, string? architecture = null, DetectionSettings? settings = null, SimdWidth? simd = null,
        int threads = 1, DetectionTransform? transform = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        architecture ??= source.Metadata.GetValueOrDefault("architecture") ?? ArchitectureId;
        if (architecture != ArchitectureId)
            throw new ArgumentException($"{source.Source}: architecture '{architecture}' is not a detection model (supported: {ArchitectureId})");
        var generator = DefaultBoxGenerator.SsdLite;

        var backboneScope = new WeightScope(source, SsdLiteBackboneSpec.Prefix);
        var headScope = new WeightScope(source, SsdLiteHead.Prefix);
        WeightScope.EnsureCovered(source, backboneScope.Prefix, headScope.Prefix);

        var network = WidthSearch.Find(backboneScope, w => SsdLiteBackboneSpec.Build(w).Network, ArchitectureId);
        var spec = SsdLiteBackboneSpec.Build(network.Width);
        var backboneBinder = new WeightBinder(backboneScope, simd ?? SimdConfig.Best);
        var backbone = new TappedBackbone(backboneBinder.Bind(spec.Network), spec.StageLengths);

        int anchors = generator.AnchorsPerLocation.Distinct().Single();
        int classes = SsdLiteHead.ReadNumClasses(headScope, anchors);
        var headBinder = new WeightBinder(headScope, simd ?? SimdConfig.Best);
        var head = SsdLiteHead.Bind(headBinder, spec.OutChannels, anchors, classes);
        headBinder.EnsureAllConsumed();

        return new SsdLiteModel(backbone, head, network.Width, backboneBinder.ParameterCount + headBinder.ParameterCount,
            new Dictionary<string, string>(source.Metadata), settings ?? DetectionSettings.SsdLite, transform ?? DetectionTransform.SsdLite320, threads);
    }

    /// <summary>Default boxes (x1, y1, x2, y2) in network-input pixels, in head order.</summary>
    public ReadOnlySpan<float> Anchors => _anchors;

    /// <summary>Multiply-accumulates of backbone and head for one image.</summary>
    public long MultiplyAccumulates
    {
        get
        {
            var shapes = _backbone.OutputShapes(Transform.OutputShape);
            return _backbone.MultiplyAccumulates(Transform.OutputShape) + _head.MultiplyAccumulates(shapes);
        }
    }

    /// <summary>Head outputs for one 3 x H x W image in [0, 1] (torchvision's <c>head_outputs</c> on the transformed image).</summary>
    public HeadOutputs Head(ReadOnlySpan<float> chw, int height, int width)
    {
        var input = Transform.Apply(chw, height, width);
        var scratch = _scratches.TryTake(out var s) ? s : new Scratch(_pool);
        try
        {
            var maps = _backbone.Forward(input, Transform.OutputShape, scratch);
            return _head.Forward(maps, scratch);
        }
        finally { _scratches.Add(scratch); }
    }

    /// <summary>Detections for one 3 x H x W image in [0, 1], boxes in its pixels.</summary>
    public List<RawDetection> Detect(ReadOnlySpan<float> chw, int height, int width) =>
        Postprocess(Head(chw, height, width), height, width);

    public List<RawDetection> Postprocess(HeadOutputs head, int height, int width) =>
        Postprocessor.Run(head, _anchors, (Transform.OutputShape.Height, Transform.OutputShape.Width), (height, width));

    /// <summary>Stops the worker threads (a later call runs on the caller's thread alone).</summary>
    public void Dispose() => _pool?.Dispose();
}
