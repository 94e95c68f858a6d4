using System.Globalization;
using MobileNets.Drawing;
using MobileNets.Imaging;

namespace MobileNets.Segmentation.Drawing;

/// <summary>
/// Draws class maps: each class in its PASCAL VOC palette color, optionally blended over the image,
/// with a legend (swatch, name, share of pixels) for the classes present in the top-left corner.
/// </summary>
internal static class MaskPainter
{
    public static Rgb ColorOf(int label)
    {
        var (r, g, b) = VocCategories.PaletteColor(label);
        return new Rgb(r, g, b);
    }

    public static RgbImage Colorize(SegmentationResult result, bool legend)
    {
        var image = new RgbImage(result.Width, result.Height);
        for (int i = 0; i < result.ClassMap.Length; i++)
        {
            var c = ColorOf(result.ClassMap[i]);
            image.Pixels[3 * i] = c.R; image.Pixels[3 * i + 1] = c.G; image.Pixels[3 * i + 2] = c.B;
        }
        if (legend) DrawLegend(image, result);
        return image;
    }

    /// <summary>out = (1 - alpha) * image + alpha * palette color, per channel, rounded.</summary>
    public static RgbImage Overlay(RgbImage image, SegmentationResult result, float alpha, bool legend)
    {
        if (image.Width != result.Width || image.Height != result.Height)
            throw new ArgumentException($"image is {image.Width}x{image.Height}, the class map {result.Width}x{result.Height}");
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), "alpha must be in [0, 1]");
        var output = Canvas.Copy(image);
        for (int i = 0; i < result.ClassMap.Length; i++)
        {
            var c = ColorOf(result.ClassMap[i]);
            output.Pixels[3 * i] = Blend(image.Pixels[3 * i], c.R, alpha);
            output.Pixels[3 * i + 1] = Blend(image.Pixels[3 * i + 1], c.G, alpha);
            output.Pixels[3 * i + 2] = Blend(image.Pixels[3 * i + 2], c.B, alpha);
        }
        if (legend) DrawLegend(output, result);
        return output;
    }

    static byte Blend(byte under, byte over, float alpha) => (byte)Math.Clamp(MathF.Round((1 - alpha) * under + alpha * over), 0, 255);

    public static string Entry(SegmentationResult result, int label)
    {
        double share = 100.0 * result.PixelCounts[label] / result.ClassMap.Length;
        return $"{result.Labels[label]} {share.ToString("0.#", CultureInfo.InvariantCulture)}%";
    }

    /// <summary>One row per present class: a swatch of its color, then its name and share, on a dark panel.</summary>
    static void DrawLegend(RgbImage image, SegmentationResult result)
    {
        int scale = Canvas.TextScale(image);
        int row = (BitmapFont.GlyphHeight + 3) * scale, swatch = BitmapFont.GlyphHeight * scale, pad = 2 * scale;
        var entries = result.PresentClasses().Select(c => (Class: c, Text: Entry(result, c))).ToList();
        int textWidth = entries.Max(e => BitmapFont.Measure(e.Text, scale).Width);
        int width = pad + swatch + pad + textWidth + pad, height = pad + entries.Count * row;
        Canvas.FillRect(image, 0, 0, width, height, new Rgb(32, 32, 32));
        for (int i = 0; i < entries.Count; i++)
        {
            int y = pad + i * row;
            Canvas.FillRect(image, pad, y, pad + swatch, y + swatch, ColorOf(entries[i].Class));
            Canvas.DrawText(image, 2 * pad + swatch, y, entries[i].Text, Rgb.White, scale);
        }
    }
}
