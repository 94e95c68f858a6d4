namespace MobileNets.Imaging;

/// <summary>Limits and behaviour of <see cref="ImageDecoder"/>.</summary>
public sealed class ImageDecodeOptions
{
    /// <summary>The default options (shared, do not mutate).</summary>
    internal static readonly ImageDecodeOptions Default = new();

    /// <summary>
    /// Largest accepted width * height. Checked from the header before any pixel buffer is allocated,
    /// so a hostile header cannot make the decoder allocate more than this. Default 100,000,000.
    /// </summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>
    /// Largest encoded image read from a stream, in bytes: a stream is buffered before decoding, so
    /// this bounds what an endless or huge stream can make the decoder hold. Default 512 MiB.
    /// </summary>
    public long MaxBytes { get; set; } = 512L << 20;

    /// <summary>
    /// Rotate/flip JPEG images as their EXIF Orientation tag (0x0112, values 1-8) says,
    /// like PIL's <c>ImageOps.exif_transpose</c>. Default true.
    /// </summary>
    public bool ApplyExifOrientation { get; set; } = true;
}
