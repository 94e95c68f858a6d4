using System.Globalization;
using MobileNets.Imaging;

namespace MobileNets.Drawing;

/// <summary>
/// Renders classifier predictions onto a copy of an image: one tag per prediction, "91.3% tabby, tabby cat",
/// stacked from the top-left corner, the best first on a white tag and the others on grey.
/// </summary>
internal static class PredictionPainter
{
    static readonly Rgb First = Rgb.White, Others = new(200, 200, 200);

    public static string Caption(Prediction p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Probability * 100:0.0}% {p.Label}");

    public static RgbImage Draw(RgbImage image, IReadOnlyList<Prediction> predictions)
    {
        var canvas = Canvas.Copy(image);
        int scale = Canvas.TextScale(image);
        int y = scale;
        for (int i = 0; i < predictions.Count && y < image.Height; i++)
        {
            var (_, height) = Canvas.DrawLabel(canvas, scale, y, Caption(predictions[i]), i == 0 ? First : Others, scale);
            y += height + scale;
        }
        return canvas;
    }
}
