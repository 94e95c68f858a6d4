using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Heads;

/// <summary>
/// Lite R-ASPP (MobileNetV3 paper §6.4; torchvision segmentation/lraspp.py <c>LRASPPHead</c>):
/// cbr = 1x1 conv + BN + ReLU on the high map, scaled per channel by sigmoid(1x1 conv(global
/// average of the high map)), upsampled bilinearly to the low map's size, then
/// low_classifier(low) + high_classifier(upsampled), both 1x1 with bias.
/// </summary>
internal sealed class LrAsppHead : ISegmentationHead
{
    public const string Prefix = "classifier.";
    readonly Conv2d _cbr, _scale, _lowClassifier, _highClassifier;

    public int NumClasses => _highClassifier.OutChannels;

    LrAsppHead(Conv2d cbr, Conv2d scale, Conv2d low, Conv2d high) { _cbr = cbr; _scale = scale; _lowClassifier = low; _highClassifier = high; }

    public static LrAsppHead Bind(WeightBinder binder, IWeightSource source, int lowChannels, int highChannels)
    {
        int inter = HeadShapes.Dim(source, "classifier.cbr.0.weight", 0);
        int classes = HeadShapes.Dim(source, "classifier.high_classifier.weight", 0);
        return new LrAsppHead(
            binder.Conv(new ConvSpec("classifier.cbr.0", highChannels, inter, 1, Norm: "classifier.cbr.1", Act: Activation.ReLU)),
            binder.Conv(new ConvSpec("classifier.scale.1", highChannels, inter, 1, Act: Activation.Sigmoid)),
            binder.Conv(new ConvSpec("classifier.low_classifier", lowChannels, classes, 1, Bias: true)),
            binder.Conv(new ConvSpec("classifier.high_classifier", inter, classes, 1, Bias: true)));
    }

    public long MultiplyAccumulates(FeatureShape low, FeatureShape high) =>
        _cbr.MultiplyAccumulates(high) + _scale.MultiplyAccumulates(new FeatureShape(1, 1, high.Channels))
        + _lowClassifier.MultiplyAccumulates(low) + _highClassifier.MultiplyAccumulates(new FeatureShape(low.Height, low.Width, _cbr.OutChannels));

    public FeatureMap Forward(FeatureMap low, FeatureMap high, Scratch scratch)
    {
        int mark = scratch.Mark;
        var hs = high.Shape;
        var xs = _cbr.OutputShape(hs);
        var x = scratch.Take(xs.Size);
        _cbr.Forward(high.Data, hs, x, scratch);

        var pooled = scratch.Take(hs.Channels);
        GlobalAveragePool.Run(high.Data, hs.Pixels, hs.Channels, pooled);
        var gate = scratch.Take(xs.Channels);
        _scale.Forward(pooled, new FeatureShape(1, 1, hs.Channels), gate, scratch);
        for (int p = 0; p < xs.Pixels; p++)
        {
            var row = x.Slice(p * xs.Channels, xs.Channels);
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, gate, row);
        }

        var ls = low.Shape;
        var upShape = new FeatureShape(ls.Height, ls.Width, xs.Channels);
        var up = scratch.Take(upShape.Size);
        BilinearResize.Run(x, xs.Height, xs.Width, xs.Channels, up, ls.Height, ls.Width);

        var outShape = new FeatureShape(ls.Height, ls.Width, NumClasses);
        var lowLogits = scratch.Take(outShape.Size);
        _lowClassifier.Forward(low.Data, ls, lowLogits, scratch);
        var logits = new float[outShape.Size];
        _highClassifier.Forward(up, upShape, logits, lowLogits, scratch);
        scratch.Release(mark);
        return new FeatureMap(logits, outShape);
    }
}
