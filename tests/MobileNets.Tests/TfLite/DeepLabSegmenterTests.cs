using MobileNets.Segmentation;

namespace MobileNets.Tests.TfLite;

/// <summary>
/// The published quantized Mobile DeepLabv3 through the public segmentation API and the CLI, measured
/// as Coral's own test does (equal pixels / (2 * pixels - equal pixels)) against the VOC mask.
/// </summary>
public class DeepLabSegmenterTests
{
    [Fact]
    public void SegmentAgreesWithTheVocMask()
    {
        var shared = TestPaths.SharedData();
        if (shared == null) { Assert.Skip("../shared/data is absent"); return; }
        using var segmenter = SemanticSegmenter.Load(Path.Combine(shared, "tflite", "deeplabv3_mnv2_pascal_quant.tflite"));
        var result = segmenter.Segment(Path.Combine(shared, "images", "bird_segmentation.bmp"));
        var mask = TfLiteTestData.ReadBmp(Path.Combine(shared, "images", "bird_segmentation_mask.bmp"), out int w, out int h);
        Assert.Equal((w, h), (result.Width, result.Height));
        int equal = 0;
        for (int i = 0; i < w * h; i++) if (result.ClassMap[i] == mask[i]) equal++;
        double agreement = equal / (2.0 * w * h - equal);
        Assert.True(agreement > 0.9, $"agreement {agreement}");
        Assert.Equal("bird", segmenter.Labels[3]);
        Assert.True(result.PixelCounts[3] > w * h / 10);
    }

    [Fact]
    public void SegmentVerbWritesAnOverlay()
    {
        var shared = TestPaths.SharedData();
        if (shared == null) { Assert.Skip("../shared/data is absent"); return; }
        string output = TestPaths.TempFile("overlay.png");
        var r = Cli.CliRunner.Run("segment", Path.Combine(shared, "images", "bird_segmentation.bmp"),
            "--model", Path.Combine(shared, "tflite", "deeplabv3_mnv2_pascal_quant.tflite"), "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var overlay = MobileNets.Imaging.ImageDecoder.DecodeFile(output);
        Assert.Equal((513, 513), (overlay.Width, overlay.Height));
    }
}
