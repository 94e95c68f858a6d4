namespace MobileNets.Imaging;

/// <summary>Resampling filters, with the semantics of PIL's <c>Image.resize</c> (which torchvision's Resize calls on PIL images).</summary>
public enum ResizeInterpolation
{
    /// <summary>PIL NEAREST: the source pixel under each output pixel centre, no antialiasing.</summary>
    Nearest,
    /// <summary>PIL BILINEAR: triangle filter, support widened by the downscale factor (antialiased).</summary>
    Bilinear,
    /// <summary>PIL BICUBIC: Keys cubic with a = -0.5, support widened by the downscale factor (antialiased).</summary>
    Bicubic,
}
