namespace MobileNets.Segmentation;

/// <summary>
/// The 21 PASCAL VOC class names of torchvision's segmentation weights (models/_meta.py
/// <c>_VOC_CATEGORIES</c>) and the VOC color map used to draw them.
/// </summary>
public static class VocCategories
{
    /// <summary>Names by class index (21 entries, 0 is the background).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "__background__", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>
    /// The PASCAL VOC palette color of class <paramref name="index"/> (the devkit's bit-interleaved
    /// color map: bits 0, 1, 2 of the index go to the top bits of R, G, B, then the next three, ...).
    /// </summary>
    public static (byte R, byte G, byte B) PaletteColor(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int r = 0, g = 0, b = 0, c = index;
        for (int j = 0; j < 8; j++)
        {
            r |= (c & 1) << (7 - j);
            g |= (c >> 1 & 1) << (7 - j);
            b |= (c >> 2 & 1) << (7 - j);
            c >>= 3;
        }
        return ((byte)r, (byte)g, (byte)b);
    }
}
