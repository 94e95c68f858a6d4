using MobileNets.Imaging.Transforms;

namespace MobileNets.Imaging;

/// <summary>
/// The evaluation-time image operations of torchvision (0.14) on PIL images, reproduced exactly:
/// resize (PIL's antialiased resampling), shorter-side resize, centre crop with zero padding, and
/// ToTensor + Normalize into a float32 CHW buffer.
/// </summary>
public static class ImageTransforms
{
    /// <summary>Resizes to exactly <paramref name="width"/> x <paramref name="height"/> like PIL <c>Image.resize((w, h), resample)</c>.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height, ResizeInterpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if ((long)width * height * 3 > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is too large");
        return interpolation switch
        {
            ResizeInterpolation.Nearest => NearestResize.Resize(image, width, height),
            ResizeInterpolation.Bilinear or ResizeInterpolation.Bicubic => PillowResampler.Resize(image, width, height, interpolation),
            _ => throw new ArgumentOutOfRangeException(nameof(interpolation)),
        };
    }

    /// <summary>
    /// The output size of torchvision's <c>Resize(size)</c> with an int size (transforms/functional.py
    /// _compute_resized_output_size): the shorter side becomes <paramref name="size"/>, the longer
    /// <c>int(size * long / short)</c> (truncated).
    /// </summary>
    public static (int Width, int Height) ShorterSideSize(int width, int height, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        bool wShort = width <= height;
        int shortSide = wShort ? width : height, longSide = wShort ? height : width;
        int newLong = (int)((double)size * longSide / shortSide); // Python: int(size * long / short), float division
        return wShort ? (size, newLong) : (newLong, size);
    }

    /// <summary>torchvision <c>Resize(size)</c> with an int size: shorter side to <paramref name="size"/>, aspect kept.</summary>
    public static RgbImage ResizeShorterSide(RgbImage image, int size, ResizeInterpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = ShorterSideSize(image.Width, image.Height, size);
        return Resize(image, w, h, interpolation);
    }

    /// <summary>
    /// torchvision <c>CenterCrop((height, width))</c>: zero-pads first when the crop is larger than the
    /// image (left/top get <c>(crop - size) // 2</c>), then crops at
    /// <c>int(round((size - crop) / 2.0))</c> with Python's round-half-to-even.
    /// </summary>
    public static RgbImage CenterCrop(RgbImage image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var (left, top) = CropOrigin(image.Width, image.Height, width, height);
        var dst = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            int sy = y + top;
            if (sy < 0 || sy >= image.Height) continue;
            int x0 = Math.Max(0, -left), x1 = Math.Min(width, image.Width - left);
            if (x1 > x0)
                image.Row(sy).Slice((x0 + left) * 3, (x1 - x0) * 3).CopyTo(dst.Row(y)[(x0 * 3)..]);
        }
        return dst;
    }

    /// <summary>Source coordinates of the crop's top-left pixel (negative where torchvision pads).</summary>
    internal static (int Left, int Top) CropOrigin(int w, int h, int cw, int ch)
    {
        int padLeft = cw > w ? (cw - w) / 2 : 0, padTop = ch > h ? (ch - h) / 2 : 0;
        int pw = Math.Max(w, cw), ph = Math.Max(h, ch);
        // Math.Round defaults to banker's rounding, like Python 3's round().
        int left = (int)Math.Round((pw - cw) / 2.0), top = (int)Math.Round((ph - ch) / 2.0);
        return (left - padLeft, top - padTop);
    }

    /// <summary>
    /// torchvision <c>ToTensor()</c> then <c>Normalize(mean, std)</c>: writes 3 planes (R, G, B) of
    /// Height x Width floats, each <c>(v / 255 - mean[c]) / std[c]</c> in float32 arithmetic.
    /// </summary>
    public static void ToTensor(RgbImage image, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (mean.Length != 3 || std.Length != 3) throw new ArgumentException("mean and std need 3 values (R, G, B)");
        int plane = image.Width * image.Height;
        if (destination.Length < 3 * plane)
            throw new ArgumentException($"destination has {destination.Length} floats, needs {3 * plane}", nameof(destination));
        byte[] p = image.Pixels;
        for (int c = 0; c < 3; c++)
        {
            float m = mean[c], s = std[c];
            Span<float> d = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) d[i] = (p[3 * i + c] / 255f - m) / s;
        }
    }
}
