using MobileNets.Layers;
using MobileNets.Tensors;

namespace MobileNets.Segmentation.Heads;

/// <summary>A head mapping backbone taps to per-class logits at its own (reduced) resolution, NHWC.</summary>
internal interface ISegmentationHead
{
    int NumClasses { get; }

    /// <param name="low">The C2 tap (output stride 8).</param>
    /// <param name="high">The last backbone layer (output stride 16).</param>
    FeatureMap Forward(FeatureMap low, FeatureMap high, Scratch scratch);

    long MultiplyAccumulates(FeatureShape low, FeatureShape high);
}
