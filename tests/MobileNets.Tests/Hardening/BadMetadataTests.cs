using MobileNets.Models;
using MobileNets.Weights;

namespace MobileNets.Tests.Hardening;

/// <summary>Metadata that names what we do not know is a bad file (exit 1), not a bad argument.</summary>
public class BadMetadataTests
{
    static string WithMetadata(Dictionary<string, string> metadata)
    {
        string path = TestPaths.TempFile("meta.safetensors");
        SafeTensorsWriter.Write(path, [SafeTensorsWriter.Float32("classifier.weight", [2, 2], new float[4])], metadata);
        return path;
    }

    [Fact]
    public void UnknownArchitectureInMetadataIsAModelFormatError()
    {
        var e = Assert.Throws<ModelFormatException>(() => ClassifierModel.Load(WithMetadata(new() { ["architecture"] = "resnet50\nsecond line" })));
        Assert.Contains("unknown architecture", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Cli.CliRunner.AssertOneLineError(Cli.CliRunner.Run("info", "--model", WithMetadata(new() { ["architecture"] = "resnet50" })), 1, "unknown architecture");
    }

    [Fact]
    public void WidthOutsideTheRangeInMetadataIsAModelFormatError()
    {
        var e = Assert.Throws<ModelFormatException>(() => ClassifierModel.Load(WithMetadata(new() { ["architecture"] = "mobilenetv3_large_100", ["width"] = "99" })));
        Assert.Contains("width", e.Message);
    }
}
