using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Heads;

/// <summary>
/// torchvision segmentation/deeplabv3.py <c>DeepLabHead</c> on the high map: ASPP (rates 12, 24, 36),
/// 3x3 conv + BN + ReLU, 1x1 conv with bias to the classes. The ASPP width (256 in torchvision) is
/// read from the weights.
/// </summary>
internal sealed class DeepLabHead : ISegmentationHead
{
    public const string Prefix = "classifier.";
    readonly Aspp _aspp;
    readonly Conv2d _conv, _classifier;

    public int NumClasses => _classifier.OutChannels;

    DeepLabHead(Aspp aspp, Conv2d conv, Conv2d classifier) { _aspp = aspp; _conv = conv; _classifier = classifier; }

    public static DeepLabHead Bind(WeightBinder binder, IWeightSource source, int highChannels)
    {
        int width = HeadShapes.Dim(source, "classifier.0.convs.0.0.weight", 0);
        int classes = HeadShapes.Dim(source, "classifier.4.weight", 0);
        return new DeepLabHead(
            Aspp.Bind(binder, "classifier.0", highChannels, width, Aspp.DeepLabRates),
            binder.Conv(new ConvSpec("classifier.1", width, width, 3, Padding: ConvSpec.TorchPadding(3), Norm: "classifier.2", Act: Activation.ReLU)),
            binder.Conv(new ConvSpec("classifier.4", width, classes, 1, Bias: true)));
    }

    public long MultiplyAccumulates(FeatureShape low, FeatureShape high)
    {
        var a = new FeatureShape(high.Height, high.Width, _aspp.OutChannels);
        return _aspp.MultiplyAccumulates(high) + _conv.MultiplyAccumulates(a) + _classifier.MultiplyAccumulates(a);
    }

    public FeatureMap Forward(FeatureMap low, FeatureMap high, Scratch scratch)
    {
        int mark = scratch.Mark;
        var a = new FeatureShape(high.Shape.Height, high.Shape.Width, _aspp.OutChannels);
        var x = scratch.Take(a.Size);
        _aspp.Forward(high.Data, high.Shape, x, scratch);
        var y = scratch.Take(a.Size);
        _conv.Forward(x, a, y, scratch);
        var outShape = new FeatureShape(a.Height, a.Width, NumClasses);
        var logits = new float[outShape.Size];
        _classifier.Forward(y, a, logits, scratch);
        scratch.Release(mark);
        return new FeatureMap(logits, outShape);
    }
}
