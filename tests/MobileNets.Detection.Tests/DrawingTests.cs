using MobileNets.Detection.Drawing;
using MobileNets.Drawing;
using MobileNets.Imaging;

namespace MobileNets.Detection.Tests;

public sealed class DrawingTests
{
    static RgbImage Gray(int w, int h)
    {
        var image = new RgbImage(w, h);
        Array.Fill(image.Pixels, (byte)90);
        return image;
    }

    static Rgb At(RgbImage image, int x, int y) => Canvas.GetPixel(image, x, y);

    [Fact]
    public void Boxes_are_drawn_in_their_class_color_on_a_copy()
    {
        var image = Gray(200, 150);
        var before = (byte[])image.Pixels.Clone();
        var dog = new Detection(40, 50, 120, 130, 18, "dog", 0.87f);
        var drawn = ObjectDetector.Draw(image, [dog]);
        Assert.Equal(before, image.Pixels);
        var color = DetectionPainter.ColorOf(18);
        // Edges (2 px thick at this size) on all four sides; inside and outside untouched.
        Assert.Equal(color, At(drawn, 40, 90));
        Assert.Equal(color, At(drawn, 41, 90));
        Assert.Equal(color, At(drawn, 119, 90));
        Assert.Equal(color, At(drawn, 80, 129));
        Assert.Equal(color, At(drawn, 80, 50));
        Assert.Equal(new Rgb(90, 90, 90), At(drawn, 80, 90));
        Assert.Equal(new Rgb(90, 90, 90), At(drawn, 39, 90));
        Assert.Equal(new Rgb(90, 90, 90), At(drawn, 121, 90));
    }

    [Fact]
    public void The_tag_sits_above_the_box_and_holds_the_caption_glyphs()
    {
        var drawn = ObjectDetector.Draw(Gray(200, 150), [new Detection(40, 50, 120, 130, 18, "dog", 0.87f)]);
        var color = DetectionPainter.ColorOf(18);
        string caption = DetectionPainter.Caption(new Detection(0, 0, 0, 0, 18, "dog", 0.87f));
        Assert.Equal("dog 0.87", caption);
        // Tag: 7 px text + 1 px margin each side, ending right above the box.
        int top = 50 - 9;
        Assert.Equal(color, At(drawn, 40, top));
        // Each glyph pixel of the caption is drawn in the contrasting color at (41 + 6 i + col, top + 1 + row).
        var ink = color.Contrasting;
        for (int i = 0; i < caption.Length; i++)
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                {
                    var expected = BitmapFont.IsSet(caption[i], col, row) ? ink : color;
                    Assert.Equal(expected, At(drawn, 41 + 6 * i + col, top + 1 + row));
                }
    }

    [Fact]
    public void A_box_at_the_top_edge_gets_its_tag_inside()
    {
        var d = new Detection(10, 0, 90, 60, 1, "person", 0.5f);
        var drawn = ObjectDetector.Draw(Gray(100, 80), [d]);
        Assert.Equal(DetectionPainter.ColorOf(1), At(drawn, 12, 3));   // tag background below the 2 px edge
    }

    [Fact]
    public void Every_printable_glyph_is_distinct_and_inked()
    {
        var seen = new HashSet<string>();
        for (char c = '!'; c <= '~'; c++)
        {
            var bits = string.Concat(Enumerable.Range(0, 35).Select(i => BitmapFont.IsSet(c, i % 5, i / 5) ? '1' : '0'));
            Assert.Contains('1', bits);
            Assert.True(seen.Add(bits), $"glyph '{c}' duplicates another");
        }
    }

    [Fact]
    public void Picture_for_visual_inspection()
    {
        var image = new RgbImage(320, 240);
        for (int y = 0; y < 240; y++)
            for (int x = 0; x < 320; x++)
                Canvas.SetPixel(image, x, y, new Rgb((byte)(x * 255 / 320), (byte)(y * 255 / 240), 128));
        var drawn = ObjectDetector.Draw(image,
        [
            new Detection(20, 30, 150, 200, 1, "person", 0.98f),
            new Detection(140, 60, 300, 180, 3, "car", 0.76f),
            new Detection(200, 0, 310, 90, 18, "dog", 0.51f),
        ]);
        string path = Path.Combine(Path.GetTempPath(), "mobilenets-detection-drawing.png");
        PngEncoder.Save(drawn, path);
        Assert.True(new FileInfo(path).Length > 0);
    }
}
