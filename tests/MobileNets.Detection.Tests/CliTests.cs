using System.Text.Json;
using MobileNets.Tests;
using MobileNets.Tests.Cli;
using MobileNets.Imaging;
using MobileNets.Weights;

namespace MobileNets.Detection.Tests;

public sealed class CliTests
{
    [Theory, MemberData(nameof(HeadParityTests.Cases), MemberType = typeof(HeadParityTests))]
    public void Infer_writes_the_head_outputs_and_detections_of_the_contract(DetectionCase c)
    {
        if (c.Case.EndsWith(".thresh", StringComparison.Ordinal)) return;   // infer uses torchvision's default thresholds
        string output = TestPaths.TempFile("out.safetensors");
        var r = CliRunner.Run("infer", "--model", DetectionFixtures.Path(c.Weights), "--arch", "ssdlite320_mobilenet_v3_large",
            "--input", DetectionFixtures.Path(c.Io), "--output", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var io = SafeTensorsFile.Open(DetectionFixtures.Path(c.Io));
        using var ours = SafeTensorsFile.Open(output);
        foreach (var name in new[] { "bbox_regression", "cls_logits" })
        {
            Assert.Equal(io.Get(name).Shape, ours.Get(name).Shape);
            Assert.True(DetectionFixtures.RelativeError(ours.ReadFloat32(name), io.ReadFloat32(name)) <= 1e-4, name);
        }
        for (int i = 0; i < io.Get("input").Shape[0]; i++)
        {
            // Same detections; detections whose scores tie within float noise may swap places.
            Assert.Equal(TensorDType.I64, ours.Get($"labels.{i}").DType);
            Assert.Equal(Labels(io, i).Order(), Labels(ours, i).Order());
            Assert.Equal(io.Get($"boxes.{i}").Shape, ours.Get($"boxes.{i}").Shape);
            var scores = ours.ReadFloat32($"scores.{i}");
            var expected = io.ReadFloat32($"scores.{i}");
            for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], scores[k], 1e-4f);
        }
    }

    static long[] Labels(SafeTensorsFile file, int image)
    {
        var bytes = file.ReadBytes(file.Get($"labels.{image}"));
        var labels = new long[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, labels, 0, bytes.Length);
        return labels;
    }

    [Fact]
    public void Detect_prints_json_and_writes_the_annotated_image()
    {
        string image = TestPaths.TempFile("in.png"), annotated = TestPaths.TempFile("annotated.png");
        var rgb = new RgbImage(96, 64);
        for (int i = 0; i < rgb.Pixels.Length; i++) rgb.Pixels[i] = (byte)(i * 7 % 251);
        PngEncoder.Save(rgb, image);
        var r = CliRunner.Run("detect", image, "--model", DetectionFixtures.Path("ssdlite320_mobilenet_v3_large.safetensors"),
            "--threshold", "0.3", "--out", annotated, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(96, doc.RootElement.GetProperty("width").GetInt32());
        var detections = doc.RootElement.GetProperty("detections");
        Assert.True(detections.GetArrayLength() > 0, "random weights at threshold 0.3 still detect something");
        foreach (var d in detections.EnumerateArray())
        {
            Assert.True(d.GetProperty("score").GetSingle() >= 0.3f);
            Assert.Equal(4, d.GetProperty("box").GetArrayLength());
        }
        var drawn = ImageDecoder.DecodeFile(annotated);
        Assert.Equal((96, 64), (drawn.Width, drawn.Height));
        Assert.NotEqual(rgb.Pixels, drawn.Pixels);
    }

    [Fact]
    public void A_bad_model_file_is_one_line_and_exit_code_1()
    {
        string bogus = TestPaths.TempFile("bogus.safetensors");
        File.WriteAllBytes(bogus, [1, 2, 3]);
        var r = CliRunner.Run("detect", "x.png", "--model", bogus);
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, CliRunner.Run("detect", "--model", bogus).ExitCode);
    }

    [Fact]
    public void Info_counts_the_parameters_of_the_file_and_the_MACs_at_320()
    {
        string weights = DetectionFixtures.Path("ssdlite320_mobilenet_v3_large.safetensors");
        var r = CliRunner.Run("info", "--model", weights, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("ssdlite320_mobilenet_v3_large", root.GetProperty("architecture").GetString());
        Assert.Equal(6, root.GetProperty("num_classes").GetInt32());
        Assert.Equal(0.25, root.GetProperty("width").GetDouble());
        Assert.Equal(320, root.GetProperty("input_size").GetInt32());
        Assert.Equal(MobileNets.Tests.TorchParameters.Count(weights), root.GetProperty("parameters").GetInt64());
        Assert.True(root.GetProperty("macs").GetInt64() > 0);
    }
}
