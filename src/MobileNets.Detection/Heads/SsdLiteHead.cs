using MobileNets.Architectures;
using MobileNets.Architectures.Torchvision;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Detection.Heads;

/// <summary>What the SSD head predicts for every default box of one image.</summary>
/// <param name="BoxRegression">Anchors x 4 box codes (dx, dy, dw, dh).</param>
/// <param name="ClassLogits">Anchors x classes logits.</param>
internal sealed record HeadOutputs(float[] BoxRegression, float[] ClassLogits, int Anchors, int NumClasses);

/// <summary>
/// torchvision's <c>SSDLiteHead</c> (ssdlite.py): per feature map, a classification and a
/// regression predictor, each <c>_prediction_block</c> = 3x3 depthwise + BN(eps 0.001) + ReLU6,
/// then a 1x1 convolution with bias to anchors x columns. <c>SSDScoringHead</c> reorders
/// (N, A*K, H, W) to (N, H*W*A, K) and concatenates the maps: in NHWC the 1x1 output already is
/// (H, W, A, K), so each map's predictions are written straight into their slice of the result.
/// </summary>
internal sealed class SsdLiteHead
{
    public const string Prefix = "head.";
    const string Classification = "head.classification_head.module_list";
    const string Regression = "head.regression_head.module_list";

    readonly LayerSequence[] _classification, _regression;

    public int NumClasses { get; }
    public int AnchorsPerLocation { get; }

    SsdLiteHead(LayerSequence[] classification, LayerSequence[] regression, int numClasses, int anchors)
    {
        _classification = classification; _regression = regression; NumClasses = numClasses; AnchorsPerLocation = anchors;
    }

    /// <summary>Classes from the first classification predictor's shape (num_classes * anchors outputs).</summary>
    public static int ReadNumClasses(IWeightSource source, int anchorsPerLocation)
    {
        string name = $"{Classification}.0.1.weight";
        if (!source.TryGetShape(name, out var shape) || shape.Length != 4)
            throw new ModelFormatException($"{source.Source}: tensor '{name}' (the first classification predictor) is missing");
        if (shape[0] % anchorsPerLocation != 0 || shape[0] / anchorsPerLocation < 2)
            throw new ModelFormatException($"{source.Source}: tensor '{name}' has {shape[0]} outputs, not classes x {anchorsPerLocation} anchors");
        return shape[0] / anchorsPerLocation;
    }

    public static SsdLiteHead Bind(WeightBinder binder, IReadOnlyList<int> inChannels, int anchorsPerLocation, int numClasses)
    {
        var cls = new LayerSequence[inChannels.Count];
        var reg = new LayerSequence[inChannels.Count];
        for (int k = 0; k < inChannels.Count; k++)
        {
            cls[k] = PredictionBlock(binder, $"{Classification}.{k}", inChannels[k], numClasses * anchorsPerLocation);
            reg[k] = PredictionBlock(binder, $"{Regression}.{k}", inChannels[k], 4 * anchorsPerLocation);
        }
        return new SsdLiteHead(cls, reg, numClasses, anchorsPerLocation);
    }

    /// <summary>ssdlite.py <c>_prediction_block</c>.</summary>
    static LayerSequence PredictionBlock(WeightBinder binder, string name, int channels, int outputs) => new(
    [
        new ConvBlock(binder.Conv(new ConvSpec($"{name}.0.0", channels, channels, 3, Groups: channels, Padding: ConvSpec.TorchPadding(3),
            Norm: $"{name}.0.1", NormEps: TorchvisionMobileNetV3.BatchNormEps, Act: Activation.ReLU6))),
        new ConvBlock(binder.Conv(new ConvSpec($"{name}.1", channels, outputs, 1, Bias: true))),
    ]);

    public long MultiplyAccumulates(IReadOnlyList<FeatureShape> maps)
    {
        long macs = 0;
        for (int k = 0; k < maps.Count; k++) macs += _classification[k].MultiplyAccumulates(maps[k]) + _regression[k].MultiplyAccumulates(maps[k]);
        return macs;
    }

    public HeadOutputs Forward(IReadOnlyList<FeatureMap> maps, Scratch scratch)
    {
        if (maps.Count != _classification.Length) throw new ArgumentException($"the head expects {_classification.Length} feature maps, got {maps.Count}");
        int anchors = maps.Sum(m => m.Shape.Pixels) * AnchorsPerLocation;
        var boxes = new float[anchors * 4];
        var logits = new float[anchors * NumClasses];
        int offset = 0;
        for (int k = 0; k < maps.Count; k++)
        {
            var (data, shape) = (maps[k].Data, maps[k].Shape);
            int count = shape.Pixels * AnchorsPerLocation;
            _regression[k].Forward(data, shape, boxes.AsSpan(offset * 4, count * 4), scratch);
            _classification[k].Forward(data, shape, logits.AsSpan(offset * NumClasses, count * NumClasses), scratch);
            offset += count;
        }
        return new HeadOutputs(boxes, logits, anchors, NumClasses);
    }
}
