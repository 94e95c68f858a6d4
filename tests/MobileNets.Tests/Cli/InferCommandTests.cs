using MobileNets.Tests.Models;
using MobileNets.Weights;

namespace MobileNets.Tests.Cli;

public class InferCommandTests
{
    static ClassifierCase? AnyCase(string library) => ClassifierFixtures.All().FirstOrDefault(c => c.Library == library);

    [Theory]
    [InlineData("torchvision")]
    [InlineData("timm")]
    public void InferWritesReferenceLogits(string library)
    {
        var c = AnyCase(library);
        if (c == null) { Assert.Skip($"no {library} fixture in {ClassifierFixtures.Folder}"); return; }
        var (input, shape, expected) = ClassifierParityTests.ReadIo(c);
        string inputFile = TestPaths.TempFile("input.safetensors");
        SafeTensorsWriter.Write(inputFile, [SafeTensorsWriter.Float32("input", shape, input)]);
        string output = TestPaths.TempFile("out.safetensors");
        var r = CliRunner.Run("infer", "--model", Path.Combine(ClassifierFixtures.Folder, c.Weights),
            "--input", inputFile, "--output", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var result = SafeTensorsFile.Open(output);
        Assert.Equal([shape[0], c.NumClasses], result.Get("logits").Shape);
        ClassifierParityTests.AssertParity(expected, result.ReadFloat32("logits"), shape[0], c.Case);
    }

    [Fact]
    public void InfoReportsArchitectureWidthAndClasses()
    {
        var c = AnyCase("timm");
        if (c == null) { Assert.Skip($"no timm fixture in {ClassifierFixtures.Folder}"); return; }
        var r = CliRunner.Run("info", "--model", Path.Combine(ClassifierFixtures.Folder, c.Weights), "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        Assert.Equal(c.Architecture, doc.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(c.NumClasses, doc.RootElement.GetProperty("num_classes").GetInt32());
        Assert.True(doc.RootElement.GetProperty("parameters").GetInt64() > 0);
        Assert.True(doc.RootElement.GetProperty("macs").GetInt64() > 0);
    }

    [Fact]
    public void MissingOptionIsBadArguments() =>
        CliRunner.AssertOneLineError(CliRunner.Run("infer", "--model", "x.safetensors"), 2, "--input");

    [Fact]
    public void UnknownVerbAndOptionAreBadArguments()
    {
        CliRunner.AssertOneLineError(CliRunner.Run("frobnicate"), 2, "unknown command");
        CliRunner.AssertOneLineError(CliRunner.Run("info", "--model", "x", "--bogus", "1"), 2, "--bogus");
        CliRunner.AssertOneLineError(CliRunner.Run("info", "--model", "x", "--width", "abc"), 2, "--width");
    }

    [Fact]
    public void MissingModelFileIsBadFile() =>
        CliRunner.AssertOneLineError(CliRunner.Run("info", "--model", "/nonexistent/model.safetensors"), 1, "does not exist");

    [Fact]
    public void CorruptModelFileIsBadFile()
    {
        string path = TestPaths.TempFile("corrupt.safetensors");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 2, 3]);
        CliRunner.AssertOneLineError(CliRunner.Run("info", "--model", path, "--arch", "mobilenet_v2"), 1, "header");
    }

    [Fact]
    public void UnknownArchitectureIsBadArguments()
    {
        var c = AnyCase("timm");
        if (c == null) { Assert.Skip("no timm fixture"); return; }
        CliRunner.AssertOneLineError(CliRunner.Run("info", "--model", Path.Combine(ClassifierFixtures.Folder, c.Weights), "--arch", "resnet50"), 2, "unknown architecture");
    }

    [Fact]
    public void WrongWidthNamesTheFirstTensorThatDoesNotFit()
    {
        var c = ClassifierFixtures.All().FirstOrDefault(x => x.Architecture == "mobilenet_v3_large");
        if (c == null) { Assert.Skip("no mobilenet_v3_large fixture"); return; }
        var r = CliRunner.Run("info", "--model", Path.Combine(ClassifierFixtures.Folder, c.Weights), "--width", "2.0");
        CliRunner.AssertOneLineError(r, 1, "features.0.0.weight");
    }

    [Fact]
    public void WeightsOfAnotherArchitectureNameTheTensor()
    {
        var c = ClassifierFixtures.All().FirstOrDefault(x => x.Architecture == "mobilenet_v3_large");
        if (c == null) { Assert.Skip("no mobilenet_v3_large fixture"); return; }
        var r = CliRunner.Run("info", "--model", Path.Combine(ClassifierFixtures.Folder, c.Weights), "--arch", "mobilenet_v2");
        CliRunner.AssertOneLineError(r, 1, "tensor '");
    }

    [Fact]
    public void InputOfWrongShapeIsBadFile()
    {
        var c = AnyCase("timm");
        if (c == null) { Assert.Skip("no timm fixture"); return; }
        string input = TestPaths.TempFile("in.safetensors");
        SafeTensorsWriter.Write(input, [SafeTensorsWriter.Float32("input", [1, 4, 8, 8], new float[256])]);
        var r = CliRunner.Run("infer", "--model", Path.Combine(ClassifierFixtures.Folder, c.Weights), "--input", input, "--output", TestPaths.TempFile("o.safetensors"));
        CliRunner.AssertOneLineError(r, 1, "N x 3 x H x W");
    }
}
