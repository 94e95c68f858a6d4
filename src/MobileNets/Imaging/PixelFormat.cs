namespace MobileNets.Imaging;

/// <summary>Layout of raw 8-bit pixels handed to <see cref="ImageDecoder.FromPixels"/>.</summary>
public enum PixelFormat
{
    /// <summary>3 bytes per pixel: red, green, blue.</summary>
    Rgb24,
    /// <summary>3 bytes per pixel: blue, green, red (GDI / OpenCV order).</summary>
    Bgr24,
    /// <summary>4 bytes per pixel: red, green, blue, alpha (alpha dropped, as PIL's convert('RGB')).</summary>
    Rgba32,
    /// <summary>4 bytes per pixel: blue, green, red, alpha (alpha dropped).</summary>
    Bgra32,
}
