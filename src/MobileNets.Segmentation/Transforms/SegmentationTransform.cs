using MobileNets.Imaging;

namespace MobileNets.Segmentation.Transforms;

/// <summary>
/// torchvision's <c>SemanticSegmentation</c> preset as the published weights use it
/// (transforms/_presets.py, <c>resize_size=520</c>): resize so the shorter side is 520 (PIL bilinear),
/// ToTensor, ImageNet normalization; no crop.
/// </summary>
internal static class SegmentationTransform
{
    public const int ResizeShorter = 520;

    /// <summary>The normalized 3 x h x w tensor for <paramref name="image"/> and its size.</summary>
    public static (float[] Tensor, int Height, int Width) Apply(RgbImage image, int resizeShorter = ResizeShorter)
    {
        var resized = ImageTransforms.ResizeShorterSide(image, resizeShorter, ResizeInterpolation.Bilinear);
        var tensor = new float[3 * resized.Width * resized.Height];
        ImageTransforms.ToTensor(resized, EvalTransform.ImageNetMean, EvalTransform.ImageNetStd, tensor);
        return (tensor, resized.Height, resized.Width);
    }
}
