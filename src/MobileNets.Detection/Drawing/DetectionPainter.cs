using System.Globalization;
using MobileNets.Drawing;
using MobileNets.Imaging;

namespace MobileNets.Detection.Drawing;

/// <summary>
/// Renders detections onto a copy of an image: a box outline per detection in a color fixed by its
/// label, and a filled tag "name 0.87" above the box (inside it when the box touches the top edge).
/// </summary>
internal static class DetectionPainter
{
    /// <summary>A bright, well-separated color per label (golden-ratio hue steps at full saturation).</summary>
    public static Rgb ColorOf(int label)
    {
        double hue = (label * 0.618033988749895) % 1.0 * 6;
        int sector = (int)hue;
        byte rise = (byte)Math.Round(255 * (hue - sector)), fall = (byte)(255 - rise);
        return sector switch
        {
            0 => new Rgb(255, rise, 0),
            1 => new Rgb(fall, 255, 0),
            2 => new Rgb(0, 255, rise),
            3 => new Rgb(0, fall, 255),
            4 => new Rgb(rise, 0, 255),
            _ => new Rgb(255, 0, fall),
        };
    }

    public static string Caption(Detection d) => $"{d.Name} {d.Score.ToString("0.00", CultureInfo.InvariantCulture)}";

    public static RgbImage Draw(RgbImage image, IReadOnlyList<Detection> detections)
    {
        var canvas = Canvas.Copy(image);
        int scale = Canvas.TextScale(image);
        int thickness = Math.Max(2, scale);
        // Lowest score first, so the most confident boxes and tags end up on top.
        foreach (var d in detections.OrderBy(d => d.Score))
        {
            var color = ColorOf(d.Label);
            int x0 = (int)MathF.Floor(d.X1), y0 = (int)MathF.Floor(d.Y1);
            int x1 = (int)MathF.Ceiling(d.X2) - 1, y1 = (int)MathF.Ceiling(d.Y2) - 1;
            x1 = Math.Max(x1, x0); y1 = Math.Max(y1, y0);
            Canvas.DrawRect(canvas, x0, y0, x1, y1, thickness, color);
            var caption = Caption(d);
            var (_, h) = BitmapFont.Measure(caption, scale);
            int tagHeight = h + 2 * scale;
            int tagY = y0 - tagHeight >= 0 ? y0 - tagHeight : y0 + thickness;
            Canvas.DrawLabel(canvas, Math.Max(x0, 0), tagY, caption, color, scale);
        }
        return canvas;
    }
}
