namespace MobileNets.Imaging;

/// <summary>
/// A classification model's evaluation preprocessing: resize (shorter side, or the whole image),
/// centre crop, ToTensor and Normalize, producing a float32 CHW tensor of 3 x CropHeight x CropWidth.
/// </summary>
/// <param name="ResizeShorter">Shorter-side target of torchvision's <c>Resize(int)</c>; 0 = resize the whole image to CropHeight x CropWidth (no crop).</param>
/// <param name="CropHeight">Output height.</param>
/// <param name="CropWidth">Output width.</param>
/// <param name="Interpolation">Resampling filter (PIL semantics).</param>
/// <param name="Mean">Per-channel mean (R, G, B) in [0, 1] units.</param>
/// <param name="Std">Per-channel standard deviation (R, G, B).</param>
public sealed record EvalTransform(int ResizeShorter, int CropHeight, int CropWidth, ResizeInterpolation Interpolation, float[] Mean, float[] Std)
{
    /// <summary>ImageNet channel means used by torchvision and most timm models.</summary>
    public static float[] ImageNetMean => [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations used by torchvision and most timm models.</summary>
    public static float[] ImageNetStd => [0.229f, 0.224f, 0.225f];

    /// <summary>torchvision's classification preset: Resize(256, bilinear), CenterCrop(224), ImageNet normalisation.</summary>
    public static EvalTransform Torchvision => new(256, 224, 224, ResizeInterpolation.Bilinear, ImageNetMean, ImageNetStd);

    /// <summary>
    /// timm's <c>transforms_imagenet_eval</c>: Resize(floor(inputSize / cropPct)) on the shorter side,
    /// then CenterCrop(inputSize).
    /// </summary>
    public static EvalTransform Timm(int inputSize, double cropPct, ResizeInterpolation interpolation, float[] mean, float[] std)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        if (!(cropPct > 0)) throw new ArgumentOutOfRangeException(nameof(cropPct), "cropPct must be positive");
        int scaleSize = (int)Math.Floor(inputSize / cropPct);
        return new EvalTransform(scaleSize, inputSize, inputSize, interpolation, mean, std);
    }

    /// <summary>TFLite-style preprocessing: resize the whole image to height x width (aspect not kept), no crop.</summary>
    public static EvalTransform WholeImage(int height, int width, ResizeInterpolation interpolation, float[] mean, float[] std) =>
        new(0, height, width, interpolation, mean, std);

    /// <summary>Resize and crop only: the 8-bit image the tensor is computed from.</summary>
    public RgbImage Prepare(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (ResizeShorter < 0) throw new InvalidOperationException("ResizeShorter must be >= 0");
        if (ResizeShorter == 0) return ImageTransforms.Resize(image, CropWidth, CropHeight, Interpolation);
        RgbImage resized = ImageTransforms.ResizeShorterSide(image, ResizeShorter, Interpolation);
        return ImageTransforms.CenterCrop(resized, CropHeight, CropWidth);
    }

    /// <summary>Runs the transform; returns 3 * CropHeight * CropWidth floats, channel planes R, G, B.</summary>
    public float[] Apply(RgbImage image)
    {
        var result = new float[3 * CropHeight * CropWidth];
        Apply(image, result);
        return result;
    }

    /// <summary>Runs the transform into <paramref name="destination"/> (at least 3 * CropHeight * CropWidth floats), e.g. one slot of a batch.</summary>
    public void Apply(RgbImage image, Span<float> destination) =>
        ImageTransforms.ToTensor(Prepare(image), Mean, Std, destination);
}
