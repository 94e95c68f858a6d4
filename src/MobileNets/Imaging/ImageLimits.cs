namespace MobileNets.Imaging;

/// <summary>Size checks every decoder runs on header values before allocating pixel buffers.</summary>
internal static class ImageLimits
{
    /// <summary>
    /// Throws unless <paramref name="width"/> x <paramref name="height"/> is positive, within
    /// <see cref="ImageDecodeOptions.MaxPixels"/> and small enough for one RGB24 array.
    /// </summary>
    public static void Check(string format, long width, long height, ImageDecodeOptions options)
    {
        if (width <= 0 || height <= 0)
            throw new ImageFormatException($"{format}: invalid image size {width}x{height}");
        long pixels = width * height;
        if (pixels > options.MaxPixels)
            throw new ImageFormatException($"{format}: image is {width}x{height} = {pixels} pixels, over the MaxPixels limit of {options.MaxPixels}");
        // One RGB24 byte[] must fit in an array; also keeps every width*3 / width*height*3 in int range.
        if (pixels * 3 > Array.MaxLength)
            throw new ImageFormatException($"{format}: image is {width}x{height}, too large for one RGB24 buffer ({Array.MaxLength} bytes max)");
    }
}
