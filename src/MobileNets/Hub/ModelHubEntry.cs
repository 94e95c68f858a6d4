using MobileNets.Imaging;

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

/// <summary>
/// A published set of weights the hub can fetch by name: where it lives, how to check it, what it
/// runs and how to feed it.
/// </summary>
/// <param name="Name">The name users know it by: a timm tag (<c>mobilenetv3_large_100.ra_in1k</c>), a torchvision
/// weights enum (<c>mobilenet_v3_large.IMAGENET1K_V2</c>) or a TensorFlow Lite model name (<c>mobilenet_v2_1.0_224_quant</c>).</param>
/// <param name="Url">Where the file is downloaded from.</param>
/// <param name="Size">The file's length in bytes, or null when it could not be recorded offline.</param>
/// <param name="Sha256">The file's SHA-256 (lowercase hex), or null when it could not be recorded offline; then the
/// download is checked against <paramref name="Size"/> and <paramref name="Sha256Prefix"/> where known and always against
/// the server's Content-Length, and trusted on first use: the first download's SHA-256 is recorded in the cache
/// (<c>FILE.sha256</c>) and every later download of the entry into that cache must match it.</param>
/// <param name="Sha256Prefix">The leading hex digits of the SHA-256 embedded in torchvision's file names
/// (checked as torch.hub's check_hash does), or null.</param>
/// <param name="Architecture">The architecture id (as <c>--arch</c> takes it).</param>
/// <param name="Labels">The label list its outputs index.</param>
/// <param name="Transform">Its evaluation preprocessing (for timm tags, timm's pretrained config of that tag).</param>
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

    /// <summary>
    /// Whether the catalog holds a full SHA-256 for the file. When it does not, downloads are trusted on
    /// first use: the first one's SHA-256 is recorded beside the cached file and later ones must match it.
    /// </summary>
    public bool IsHashPinned => Sha256 != null;
}
