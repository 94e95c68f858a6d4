using System.Text.Json;
using MobileNets.Tests;
using MobileNets.Tests.Cli;
using MobileNets.Imaging;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Tests;

public sealed class CliTests
{
    [Theory, MemberData(nameof(SegmentationParityTests.Cases), MemberType = typeof(SegmentationParityTests))]
    public void Infer_writes_out_and_aux(SegmentationCase c)
    {
        string output = TestPaths.TempFile("out.safetensors");
        var r = CliRunner.Run("infer", "--model", SegmentationParityTests.Fixture(c.Case + ".safetensors"), "--arch", c.Architecture,
            "--input", SegmentationParityTests.Fixture(c.Case + ".io.safetensors"), "--output", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var io = SafeTensorsFile.Open(SegmentationParityTests.Fixture(c.Case + ".io.safetensors"));
        using var ours = SafeTensorsFile.Open(output);
        Assert.Equal(io.Get("out").Shape, ours.Get("out").Shape);
        Assert.True(SegmentationParityTests.RelativeError(ours.ReadFloat32("out"), io.ReadFloat32("out")) <= 1e-4);
        Assert.Equal(c.Aux, ours.Contains("aux"));
        if (c.Aux) Assert.True(SegmentationParityTests.RelativeError(ours.ReadFloat32("aux"), io.ReadFloat32("aux")) <= 1e-4);
    }

    [Fact]
    public void Segment_prints_json_and_writes_the_overlay()
    {
        string image = TestPaths.TempFile("in.png"), overlay = TestPaths.TempFile("overlay.png");
        var rgb = new RgbImage(50, 30);
        for (int i = 0; i < rgb.Pixels.Length; i++) rgb.Pixels[i] = (byte)(i * 11 % 253);
        PngEncoder.Save(rgb, image);
        var r = CliRunner.Run("segment", image, "--model", SegmentationParityTests.Fixture("deeplabv3_mobilenet_v3_large.safetensors"), "--out", overlay, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var classes = doc.RootElement.GetProperty("classes");
        Assert.Equal(50 * 30, classes.EnumerateArray().Sum(c => c.GetProperty("pixels").GetInt32()));
        var drawn = ImageDecoder.DecodeFile(overlay);
        Assert.Equal((50, 30), (drawn.Width, drawn.Height));
    }

    [Theory]
    [InlineData("lraspp_mobilenet_v3_large")]
    [InlineData("deeplabv3_mobilenet_v3_large_aux")]
    public void Info_counts_the_parameters_of_the_file_aux_included(string fixture)
    {
        string weights = SegmentationParityTests.Fixture(fixture + ".safetensors");
        var r = CliRunner.Run("info", "--model", weights, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.StartsWith(root.GetProperty("architecture").GetString()!, fixture);
        Assert.Equal(520, root.GetProperty("input_size").GetInt32());
        Assert.Equal(MobileNets.Tests.TorchParameters.Count(weights), root.GetProperty("parameters").GetInt64());
        Assert.True(root.GetProperty("macs").GetInt64() > 0);
    }
}
