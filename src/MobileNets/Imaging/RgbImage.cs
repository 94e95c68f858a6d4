namespace MobileNets.Imaging;

/// <summary>
/// An 8-bit RGB image: <see cref="Pixels"/> holds RGB24 samples, row-major and tightly packed
/// (stride = 3 * <see cref="Width"/>).
/// </summary>
public sealed class RgbImage
{
    /// <summary>Width in pixels (at least 1).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (at least 1).</summary>
    public int Height { get; }

    /// <summary>RGB24 samples, 3 * Width * Height bytes, row-major without padding.</summary>
    public byte[] Pixels { get; }

    /// <summary>Wraps an existing RGB24 buffer of exactly 3 * width * height bytes (not copied).</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        if ((long)width * height * 3 != pixels.LongLength)
            throw new ArgumentException($"pixel buffer has {pixels.Length} bytes, expected {(long)width * height * 3} for {width}x{height} RGB24", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Allocates a black image of the given size.</summary>
    public RgbImage(int width, int height) : this(width, height, new byte[checked(width * height * 3)]) { }

    /// <summary>The RGB24 samples of row <paramref name="y"/>.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width * 3, Width * 3);
}
