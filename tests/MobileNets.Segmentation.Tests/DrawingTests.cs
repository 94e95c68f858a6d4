using MobileNets.Drawing;
using MobileNets.Imaging;
using MobileNets.Segmentation.Drawing;

namespace MobileNets.Segmentation.Tests;

public sealed class DrawingTests
{
    static readonly string[] Names = ["__background__", "aeroplane", "bicycle", "bird"];

    /// <summary>Left half background, right half class 2 except a class-3 square.</summary>
    static SegmentationResult Halves(int w, int h)
    {
        var map = new int[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                map[y * w + x] = x < w / 2 ? 0 : (x > 3 * w / 4 && y > h / 2 ? 3 : 2);
        return new SegmentationResult(w, h, map, Names);
    }

    [Fact]
    public void Voc_palette_colors()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)0), VocCategories.PaletteColor(0));
        Assert.Equal(((byte)128, (byte)0, (byte)0), VocCategories.PaletteColor(1));
        Assert.Equal(((byte)0, (byte)128, (byte)0), VocCategories.PaletteColor(2));
        Assert.Equal(((byte)192, (byte)128, (byte)128), VocCategories.PaletteColor(15));   // person
        Assert.Equal(((byte)0, (byte)64, (byte)128), VocCategories.PaletteColor(20));      // tvmonitor
        Assert.Equal(21, VocCategories.Names.Count);
    }

    [Fact]
    public void Colorize_paints_every_pixel_in_its_class_color()
    {
        var result = Halves(64, 40);
        var image = SemanticSegmenter.Colorize(result, legend: false);
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 64; x++)
                Assert.Equal(MaskPainter.ColorOf(result.ClassAt(x, y)), Canvas.GetPixel(image, x, y));
        Assert.Equal([64 * 40 / 2, 0, result.ClassMap.Count(c => c == 2), result.ClassMap.Count(c => c == 3)], result.PixelCounts);
    }

    [Fact]
    public void Overlay_blends_and_the_legend_lists_the_present_classes()
    {
        var result = Halves(200, 120);
        var photo = new RgbImage(200, 120);
        Array.Fill(photo.Pixels, (byte)200);
        var before = (byte[])photo.Pixels.Clone();
        var drawn = SemanticSegmenter.Overlay(photo, result, 0.5f);
        Assert.Equal(before, photo.Pixels);
        // Away from the legend: 0.5 * 200 + 0.5 * color.
        Assert.Equal(new Rgb(100, 100, 100), Canvas.GetPixel(drawn, 60, 100));
        Assert.Equal(new Rgb(100, 164, 100), Canvas.GetPixel(drawn, 120, 20));
        Assert.Equal(new Rgb(164, 164, 100), Canvas.GetPixel(drawn, 180, 100));
        // Legend: a row per present class (most pixels first), swatch at (2, 2 + 10 i), dark panel behind.
        var present = result.PresentClasses().ToList();
        Assert.Equal([0, 2, 3], present);
        for (int i = 0; i < present.Count; i++)
            Assert.Equal(MaskPainter.ColorOf(present[i]), Canvas.GetPixel(drawn, 4, 4 + 10 * i));
        Assert.Equal(new Rgb(32, 32, 32), Canvas.GetPixel(drawn, 10, 4));
        // The entry text: first glyph column of "__background__"'s '_' is on the bottom row.
        Assert.StartsWith("__background__ 50%", MaskPainter.Entry(result, 0));
        Assert.Equal(Rgb.White, Canvas.GetPixel(drawn, 13, 2 + 6));
        string path = Path.Combine(Path.GetTempPath(), "mobilenets-segmentation-overlay.png");
        PngEncoder.Save(drawn, path);
    }

    [Fact]
    public void Overlay_needs_a_map_of_the_image_size()
    {
        Assert.Throws<ArgumentException>(() => SemanticSegmenter.Overlay(new RgbImage(10, 10), Halves(12, 10)));
    }
}
