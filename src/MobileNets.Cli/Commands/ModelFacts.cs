using MobileNets.Architectures;
using MobileNets.Detection.Models;
using MobileNets.Models;
using MobileNets.Quantized;
using MobileNets.Segmentation.Models;
using MobileNets.Segmentation.Transforms;
using MobileNets.Weights;

namespace MobileNets.Cli.Commands;

/// <summary>
/// What <c>info</c> reports about a model: its architecture, library, width, classes, parameters
/// (weights and biases, BatchNorm statistics excluded) and multiply-accumulates of one image at
/// <see cref="InputSize"/>. <see cref="Weights"/> names the weight format and, for TFLite files, the
/// quantization scheme.
/// </summary>
internal sealed record ModelFacts(
    string Architecture, string Library, double? Width, int? NumClasses, long Parameters, long MultiplyAccumulates, int InputSize, string Weights)
{
    /// <summary>A classifier architecture by itself: its default width (or <paramref name="width"/>), 1000 classes, its default input size.</summary>
    public static ModelFacts OfArchitecture(string id, double? width)
    {
        if (id == SsdLiteModel.ArchitectureId || SegmentationModel.Architectures.Contains(id))
            throw new UsageException($"info --arch {id} needs --model W: its head sizes are read from the weights");
        var arch = ArchitectureRegistry.Find(id);
        using var weights = new RandomWeights(arch.Build(width ?? arch.DefaultWidth, 1000));
        var model = ClassifierModel.Load(weights, arch.Id);
        return Classifier(model, "none (architecture only)");
    }

    /// <summary>A model file (or published name already resolved to one): classifier, detector, segmenter or TFLite graph.</summary>
    public static ModelFacts OfFile(string path, string? architecture, double? width)
    {
        if (path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase)) return OfTfLite(path);
        // The metadata only picks the kind of model; a classifier's loader reads it again and reports
        // an unknown architecture there as a bad file (exit 1), not as a bad --arch (exit 2).
        string? kind = architecture ?? ModelPaths.ArchitectureOf(path);
        if (kind == SsdLiteModel.ArchitectureId)
        {
            var detector = SsdLiteModel.Load(path, kind);
            return new(kind, "torchvision", detector.Width, detector.NumClasses, detector.ParameterCount, detector.MultiplyAccumulates,
                detector.Transform.OutputShape.Height, FormatOf(path));
        }
        if (kind != null && SegmentationModel.Architectures.Contains(kind))
        {
            var segmenter = SegmentationModel.Load(path, kind);
            int size = SegmentationTransform.ResizeShorter;
            return new(kind, "torchvision", segmenter.Width, segmenter.NumClasses, segmenter.ParameterCount,
                segmenter.MultiplyAccumulates(size, size), size, FormatOf(path));
        }
        return Classifier(ClassifierModel.Load(path, architecture, width), FormatOf(path));
    }

    static ModelFacts Classifier(ClassifierModel model, string weights) =>
        new(model.Architecture.Id, model.Architecture.Library.ToString().ToLowerInvariant(), model.Width, model.NumClasses,
            model.ParameterCount, model.DefaultMultiplyAccumulates, model.Architecture.DefaultInputSize, weights);

    static ModelFacts OfTfLite(string path)
    {
        using var model = TfLiteModel.Load(path);
        var input = model.Inputs[0];
        var output = model.Outputs[0];
        var summary = model.Summary;
        // A classifier's output is [1, classes]; a class map (DeepLab's ARG_MAX) says nothing about the count.
        int? classes = output.Shape.Length == 2 ? output.Shape[1] : null;
        return new(Path.GetFileNameWithoutExtension(path), "tflite", null, classes, summary.Parameters, summary.MultiplyAccumulates,
            input.Shape.Length == 4 ? input.Shape[1] : 0, $"tflite, {summary.WeightQuantization} weights");
    }

    static string FormatOf(string path) => Path.GetExtension(path).TrimStart('.').ToLowerInvariant() switch
    {
        "pth" or "pt" => "pytorch",
        var extension => extension,
    };
}
