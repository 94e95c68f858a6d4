using MobileNets.Imaging;
using MobileNets.Tests.TfLite;

namespace MobileNets.Tests.Cli;

/// <summary><c>classify --out</c>: the photo with its predictions drawn in the top-left corner.</summary>
public class ClassifyCommandTests
{
    [Fact]
    public void OutWritesThePhotoWithItsPredictions()
    {
        string model = TfLiteTestData.Shared("tflite/mobilenet_v1_0.25_128_quant.tflite");
        string photo = TfLiteTestData.Shared("images/cat.bmp");
        string annotated = TestPaths.TempFile("cat.png");

        var r = CliRunner.Run("classify", photo, "--model", model, "--top", "3", "--threads", "1", "--out", annotated);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(4, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var original = ImageDecoder.DecodeFile(photo);
        var drawn = ImageDecoder.DecodeFile(annotated);
        Assert.Equal((original.Width, original.Height), (drawn.Width, drawn.Height));
        // The tags cover the top-left corner and nothing else.
        int topRows = 20 * original.Width * 3;
        Assert.NotEqual(original.Pixels.AsSpan(0, topRows).ToArray(), drawn.Pixels.AsSpan(0, topRows).ToArray());
        int lastRow = (original.Height - 1) * original.Width * 3;
        Assert.Equal(original.Pixels.AsSpan(lastRow).ToArray(), drawn.Pixels.AsSpan(lastRow).ToArray());
    }

    [Fact]
    public void OutWithSeveralImagesIsBadArguments() =>
        CliRunner.AssertOneLineError(CliRunner.Run("classify", "a.png", "b.png", "--model", "m.tflite", "--out", "x.png"), 2, "--out needs exactly one IMAGE");
}
