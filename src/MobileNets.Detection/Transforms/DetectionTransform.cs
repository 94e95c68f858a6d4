using MobileNets.Kernels;
using MobileNets.Tensors;

namespace MobileNets.Detection.Transforms;

/// <summary>
/// SSD's <c>GeneralizedRCNNTransform</c> in eval mode with <c>fixed_size</c> (detection/transform.py):
/// normalize the [0, 1] image with the model's mean and std FIRST, then resize it to exactly the
/// fixed size with torch bilinear interpolation (align_corners=False, aspect ratio not kept). One
/// image of one size, so batching adds no padding (size_divisible=1).
/// </summary>
internal sealed class DetectionTransform(int height, int width, float[] mean, float[] std)
{
    /// <summary>ssdlite.py: 320 x 320, mean and std 0.5 (maps [0, 1] to [-1, 1]).</summary>
    public static DetectionTransform SsdLite320 { get; } = new(320, 320, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    public FeatureShape OutputShape => new(height, width, 3);

    /// <summary>The network input (height x width x 3, NHWC) for a 3 x H x W image in [0, 1].</summary>
    public float[] Apply(ReadOnlySpan<float> chw, int imageHeight, int imageWidth)
    {
        var source = new FeatureShape(imageHeight, imageWidth, 3);
        if (chw.Length != source.Size) throw new ArgumentException($"expected 3 x {imageHeight} x {imageWidth} values, got {chw.Length}");
        var normalized = new float[source.Size];
        Layout.ChwToHwc(chw, normalized, source);
        for (int i = 0; i < normalized.Length; i++)
        {
            int c = i % 3;
            normalized[i] = (normalized[i] - mean[c]) / std[c];
        }
        var resized = new float[OutputShape.Size];
        BilinearResize.Run(normalized, imageHeight, imageWidth, 3, resized, height, width);
        return resized;
    }
}
