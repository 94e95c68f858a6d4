using MobileNets.Imaging;

namespace MobileNets.Drawing;

/// <summary>Clipped drawing primitives on an <see cref="RgbImage"/>: every call stays inside the image.</summary>
internal static class Canvas
{
    public static RgbImage Copy(RgbImage image) => new(image.Width, image.Height, (byte[])image.Pixels.Clone());

    public static void SetPixel(RgbImage image, int x, int y, Rgb color)
    {
        if ((uint)x >= (uint)image.Width || (uint)y >= (uint)image.Height) return;
        int i = (y * image.Width + x) * 3;
        image.Pixels[i] = color.R; image.Pixels[i + 1] = color.G; image.Pixels[i + 2] = color.B;
    }

    public static Rgb GetPixel(RgbImage image, int x, int y)
    {
        int i = (y * image.Width + x) * 3;
        return new Rgb(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    /// <summary>Fills the pixels x0..x1-1, y0..y1-1 (clipped).</summary>
    public static void FillRect(RgbImage image, int x0, int y0, int x1, int y1, Rgb color)
    {
        x0 = Math.Max(x0, 0); y0 = Math.Max(y0, 0);
        x1 = Math.Min(x1, image.Width); y1 = Math.Min(y1, image.Height);
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) SetPixel(image, x, y, color);
    }

    /// <summary>A rectangle outline <paramref name="thickness"/> pixels wide, inside the corners (x0, y0) and (x1, y1) inclusive.</summary>
    public static void DrawRect(RgbImage image, int x0, int y0, int x1, int y1, int thickness, Rgb color)
    {
        if (x1 < x0 || y1 < y0) return;
        FillRect(image, x0, y0, x1 + 1, Math.Min(y0 + thickness, y1 + 1), color);
        FillRect(image, x0, Math.Max(y1 + 1 - thickness, y0), x1 + 1, y1 + 1, color);
        FillRect(image, x0, y0, Math.Min(x0 + thickness, x1 + 1), y1 + 1, color);
        FillRect(image, Math.Max(x1 + 1 - thickness, x0), y0, x1 + 1, y1 + 1, color);
    }

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each font pixel a <paramref name="scale"/>-square.</summary>
    public static void DrawText(RgbImage image, int x, int y, string text, Rgb color, int scale = 1)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int gx = x + i * BitmapFont.Advance * scale;
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                    if (BitmapFont.IsSet(text[i], col, row))
                        FillRect(image, gx + col * scale, y + row * scale, gx + (col + 1) * scale, y + (row + 1) * scale, color);
        }
    }

    /// <summary>Text on a filled box with a one-scale margin; returns the box's size.</summary>
    public static (int Width, int Height) DrawLabel(RgbImage image, int x, int y, string text, Rgb background, int scale = 1)
    {
        var (w, h) = BitmapFont.Measure(text, scale);
        int width = w + 2 * scale, height = h + 2 * scale;
        FillRect(image, x, y, x + width, y + height, background);
        DrawText(image, x + scale, y + scale, text, background.Contrasting, scale);
        return (width, height);
    }

    /// <summary>Font scale that keeps text legible on an image of this size (1 up to ~500 px, then one more per 500 px).</summary>
    public static int TextScale(RgbImage image) => Math.Max(1, Math.Min(image.Width, image.Height) / 500 + 1);
}
