using MobileNets.Imaging.Bmp;
using MobileNets.Imaging.Jpeg;
using MobileNets.Imaging.Png;
using MobileNets.Imaging.Pnm;

namespace MobileNets.Imaging;

/// <summary>
/// Decodes JPEG, PNG, BMP and PNM (P4/P5/P6) files to 8-bit RGB, matching what
/// PIL's <c>Image.open(f).convert('RGB')</c> produces (JPEG through libjpeg-turbo's default
/// islow IDCT and fancy upsampling). The format is sniffed from the magic bytes.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes an in-memory image file.</summary>
    /// <exception cref="ImageFormatException">The data is malformed, truncated, unsupported or over a limit.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        if (options.MaxPixels <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxPixels must be positive");
        ImageFileFormat format = Sniff(data);
        try
        {
            switch (format)
            {
                case ImageFileFormat.Jpeg:
                    var jpeg = JpegDecoder.Decode(data, options);
                    return options.ApplyExifOrientation ? Orientation.Apply(jpeg.Image, jpeg.ExifOrientation) : jpeg.Image;
                case ImageFileFormat.Png: return PngDecoder.Decode(data, options);
                case ImageFileFormat.Bmp: return BmpDecoder.Decode(data, options);
                case ImageFileFormat.Pnm: return PnmDecoder.Decode(data, options);
                default:
                    throw new ImageFormatException(data.Length == 0
                        ? "empty image data"
                        : $"unrecognised image format (first bytes {Convert.ToHexString(data[..Math.Min(8, data.Length)])}); JPEG, PNG, BMP and PNM are supported");
            }
        }
        // Safety net: the decoders validate every field they read and throw ImageFormatException
        // themselves; should a corrupt file still reach an unchecked path, report it as a format
        // error rather than leak a runtime exception type to callers.
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or OverflowException
                                      or InvalidDataException or EndOfStreamException)
        {
            throw new ImageFormatException($"{format}: corrupt data ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>Reads a whole stream and decodes it.</summary>
    /// <exception cref="ImageFormatException">The data is malformed, truncated, unsupported or over a limit.</exception>
    public static RgbImage Decode(Stream stream, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long limit = Math.Min((options ?? ImageDecodeOptions.Default).MaxBytes, Array.MaxLength);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new ImageFormatException($"the image stream is larger than the limit of {limit} bytes (ImageDecodeOptions.MaxBytes)");
            buffer.Write(chunk, 0, read);
        }
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options);
    }

    /// <summary>Reads a file and decodes it.</summary>
    /// <exception cref="ImageFormatException">The data is malformed, truncated, unsupported or over a limit.</exception>
    public static RgbImage DecodeFile(string path, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Decode(File.ReadAllBytes(path), options);
    }

    /// <summary>
    /// Copies raw 8-bit pixels (e.g. from a camera or UI framework) into a new <see cref="RgbImage"/>.
    /// Alpha, if any, is dropped as PIL's <c>convert('RGB')</c> does. <paramref name="stride"/> is the
    /// distance in bytes between the starts of two rows.
    /// </summary>
    public static RgbImage FromPixels(ReadOnlySpan<byte> pixels, int width, int height, int stride, PixelFormat format)
    {
        int bpp = format switch
        {
            PixelFormat.Rgb24 or PixelFormat.Bgr24 => 3,
            PixelFormat.Rgba32 or PixelFormat.Bgra32 => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        if ((long)width * bpp > stride)
            throw new ArgumentOutOfRangeException(nameof(stride), $"stride {stride} is smaller than width * {bpp} = {(long)width * bpp}");
        if ((long)stride * (height - 1) + (long)width * bpp > pixels.Length)
            throw new ArgumentException($"pixel buffer has {pixels.Length} bytes, too few for {width}x{height} with stride {stride}", nameof(pixels));
        if ((long)width * height * 3 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is too large for one RGB24 buffer");

        var image = new RgbImage(width, height);
        bool swap = format is PixelFormat.Bgr24 or PixelFormat.Bgra32;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> src = pixels.Slice(y * stride, width * bpp);
            Span<byte> dst = image.Row(y);
            if (bpp == 3 && !swap)
            {
                src.CopyTo(dst);
                continue;
            }
            for (int x = 0, s = 0, d = 0; x < width; x++, s += bpp, d += 3)
            {
                dst[d] = src[swap ? s + 2 : s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[swap ? s : s + 2];
            }
        }
        return image;
    }

    internal static ImageFileFormat Sniff(ReadOnlySpan<byte> d)
    {
        if (d.Length >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return ImageFileFormat.Jpeg;
        if (d.Length >= 8 && d[..8].SequenceEqual(PngDecoder.Signature)) return ImageFileFormat.Png;
        if (d.Length >= 2 && d[0] == (byte)'B' && d[1] == (byte)'M') return ImageFileFormat.Bmp;
        if (d.Length >= 2 && d[0] == (byte)'P' && d[1] is (byte)'4' or (byte)'5' or (byte)'6') return ImageFileFormat.Pnm;
        return ImageFileFormat.Unknown;
    }
}

/// <summary>File formats <see cref="ImageDecoder"/> recognises from magic bytes.</summary>
internal enum ImageFileFormat { Unknown, Jpeg, Png, Bmp, Pnm }
