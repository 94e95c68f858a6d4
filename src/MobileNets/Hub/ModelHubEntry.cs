namespace MobileNets.Hub;

/// <summary>Which label list a model's outputs index.</summary>
public enum LabelSet
{
    /// <summary>The 1000 ImageNet-1k classes (torchvision, timm).</summary>
    ImageNet1k,
    /// <summary>ImageNet-1k preceded by a "background" class at index 0 (TensorFlow's slim models).</summary>
    ImageNet1001,
    /// <summary>The COCO object-detection labels.</summary>
    Coco,
    /// <summary>The 21 PASCAL VOC segmentation classes (background first).</summary>
    Voc,
}

/// <summary>The resampling filter of a resize.</summary>
public enum ImageInterpolation
{
    /// <summary>Bilinear (torchvision's default, timm's for some tags).</summary>
    Bilinear,
    /// <summary>Bicubic (most timm tags).</summary>
    Bicubic,
}

/// <summary>
/// The evaluation preprocessing a model's weights were published with: scale pixels to [0, 1],
/// resize, center-crop, then normalize each channel as <c>(x - Mean) / Std</c>.
/// </summary>
/// <param name="ResizeSize">With <paramref name="Stretch"/> false, the length the shorter side is resized to
/// (timm: <c>floor(input_size / crop_pct)</c>); with it true, ignored.</param>
/// <param name="CropSize">The side of the square center crop fed to the network.</param>
/// <param name="Interpolation">The resize filter.</param>
/// <param name="Mean">Per-channel (RGB) mean, in [0, 1] pixel units.</param>
/// <param name="Std">Per-channel (RGB) standard deviation, in [0, 1] pixel units.</param>
/// <param name="Stretch">True when the whole image is resized to <paramref name="CropSize"/> squared without keeping its aspect (detection and segmentation models).</param>
public sealed record EvalTransform(int ResizeSize, int CropSize, ImageInterpolation Interpolation, IReadOnlyList<float> Mean, IReadOnlyList<float> Std, bool Stretch = false)
{
    /// <summary>ImageNet's mean (0.485, 0.456, 0.406), used by torchvision and most timm weights.</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet's standard deviation (0.229, 0.224, 0.225).</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = [0.229f, 0.224f, 0.225f];
}

/// <summary>
/// A published set of weights the hub can fetch by name: where it lives, how to check it, what it
/// runs and how to feed it.
/// </summary>
/// <param name="Name">The name users know it by: a timm tag (<c>mobilenetv3_large_100.ra_in1k</c>), a torchvision
/// weights enum (<c>mobilenet_v3_large.IMAGENET1K_V2</c>) or a TensorFlow Lite model name (<c>mobilenet_v2_1.0_224_quant</c>).</param>
/// <param name="Url">Where the file is downloaded from.</param>
/// <param name="Size">The file's length in bytes, or null when it could not be recorded offline.</param>
/// <param name="Sha256">The file's SHA-256 (lowercase hex), or null when it could not be recorded offline; then the
/// download is checked against <paramref name="Size"/> and <paramref name="Sha256Prefix"/> where known, and always against the server's Content-Length.</param>
/// <param name="Sha256Prefix">The leading hex digits of the SHA-256 embedded in torchvision's file names
/// (checked as torch.hub's check_hash does), or null.</param>
/// <param name="Architecture">The architecture id (as <c>--arch</c> takes it).</param>
/// <param name="Labels">The label list its outputs index.</param>
/// <param name="Transform">Its evaluation preprocessing.</param>
public sealed record ModelHubEntry(
    string Name,
    string Url,
    long? Size,
    string? Sha256,
    string? Sha256Prefix,
    string Architecture,
    LabelSet Labels,
    EvalTransform Transform)
{
    /// <summary>The file name in the cache: the entry's name plus the extension of its URL (<c>.safetensors</c>, <c>.pth</c>, <c>.tflite</c>).</summary>
    public string FileName => Name + Path.GetExtension(new Uri(Url).AbsolutePath);

    /// <summary>Whether the catalog holds a full SHA-256 for the file.</summary>
    public bool IsHashPinned => Sha256 != null;
}
