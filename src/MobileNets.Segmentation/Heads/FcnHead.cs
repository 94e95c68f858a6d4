using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Heads;

/// <summary>
/// DeepLabV3's auxiliary classifier (torchvision segmentation/fcn.py <c>FCNHead</c> on the C2 tap):
/// 3x3 conv to a quarter of the channels + BN + ReLU (dropout identity in eval), 1x1 conv with bias.
/// Present in the published weights (trained with aux_loss), absent from the builder's default.
/// </summary>
internal sealed class FcnHead
{
    public const string Prefix = "aux_classifier.";
    readonly LayerSequence _layers;

    public int NumClasses { get; }

    FcnHead(LayerSequence layers, int classes) { _layers = layers; NumClasses = classes; }

    public static FcnHead Bind(WeightBinder binder, IWeightSource source, int inChannels)
    {
        int inter = inChannels / 4;
        int classes = HeadShapes.Dim(source, "aux_classifier.4.weight", 0);
        return new FcnHead(new LayerSequence(
        [
            new ConvBlock(binder.Conv(new ConvSpec("aux_classifier.0", inChannels, inter, 3, Padding: ConvSpec.TorchPadding(3), Norm: "aux_classifier.1", Act: Activation.ReLU))),
            new ConvBlock(binder.Conv(new ConvSpec("aux_classifier.4", inter, classes, 1, Bias: true))),
        ]), classes);
    }

    public long MultiplyAccumulates(FeatureShape low) => _layers.MultiplyAccumulates(low);

    public FeatureMap Forward(FeatureMap low, Scratch scratch)
    {
        var shape = _layers.OutputShape(low.Shape);
        var logits = new float[shape.Size];
        _layers.Forward(low.Data, low.Shape, logits, scratch);
        return new FeatureMap(logits, shape);
    }
}
