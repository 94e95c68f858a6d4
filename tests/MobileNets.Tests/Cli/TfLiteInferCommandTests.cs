using System.Buffers.Binary;
using MobileNets.Tests.TfLite;
using MobileNets.Weights;

namespace MobileNets.Tests.Cli;

/// <summary>
/// <c>mobilenets infer --model M.tflite</c> (issue 7's contract): tensor <c>input</c> is the model's
/// own input tensor, tensor <c>output</c> its raw output in its own type; checked against TensorFlow
/// Lite's outputs in shared/data/tflite-reference and, for DeepLab's INT64 class map, against the
/// TFLite class map in Fixtures/TfLite/deeplab_bird.safetensors. Skips when shared data is absent.
/// </summary>
public class TfLiteInferCommandTests
{
    public static TheoryData<string, string> Pairs() => new()
    {
        { "mobilenet_v1_0.25_128_quant", "cat" },
        { "mobilenet_v1_0.25_128_quant", "parrot" },
        { "mobilenet_v2_1.0_224_quant", "bird" },
        { "mobilenet_v2_1.0_224_quant", "hot_dog" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ClassifierOutputIsTfLitesRawOutput(string model, string image)
    {
        string modelPath = TfLiteTestData.Shared($"tflite/{model}.tflite");
        // The reference file holds 'input' (U8 [1,H,W,3]) exactly as infer takes it.
        string referencePath = TfLiteTestData.Shared($"tflite-reference/{model}__{image}.safetensors");
        string output = TestPaths.TempFile("out.safetensors");

        var r = CliRunner.Run("infer", "--model", modelPath, "--input", referencePath, "--output", output);

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var reference = SafeTensorsFile.Open(referencePath);
        using var result = SafeTensorsFile.Open(output);
        var expected = reference.Get("output");
        var actual = result.Get("output");
        Assert.Equal(TensorDType.U8, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(reference.ReadBytes(expected), result.ReadBytes(actual));
    }

    [Fact]
    public void DeepLabOutputIsTheInt64ClassMapOfTfLite()
    {
        string modelPath = TfLiteTestData.Shared("tflite/deeplabv3_mnv2_pascal_quant.tflite");
        var pixels = TfLiteTestData.ReadBmp(TfLiteTestData.Shared("images/bird_segmentation.bmp"), out int width, out int height);
        string input = TestPaths.TempFile("bird.safetensors");
        SafeTensorsWriter.Write(input, [new SafeTensorsWriter.Entry("input", TensorDType.U8, [1, height, width, 3], pixels)]);
        string output = TestPaths.TempFile("classes.safetensors");

        var r = CliRunner.Run("infer", "--model", modelPath, "--input", input, "--output", output);

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var fixture = SafeTensorsFile.Open(TfLiteTestData.Fixture("deeplab_bird.safetensors"));
        var expected = fixture.ReadBytes(fixture.Get("classes"));
        using var result = SafeTensorsFile.Open(output);
        var info = result.Get("output");
        Assert.Equal(TensorDType.I64, info.DType);
        Assert.Equal([1, height, width], info.Shape);
        var classes = result.ReadBytes(info);
        Assert.Equal(8 * expected.Length, classes.Length);
        int differing = 0;
        for (int i = 0; i < expected.Length; i++)
            if (BinaryPrimitives.ReadInt64LittleEndian(classes.AsSpan(8 * i)) != expected[i]) differing++;
        Assert.Equal(0, differing);
    }

    [Fact]
    public void InputOfAnotherTypeOrShapeNamesWhatTheModelTakes()
    {
        string modelPath = TfLiteTestData.Shared("tflite/mobilenet_v1_0.25_128_quant.tflite");
        string input = TestPaths.TempFile("in.safetensors");
        SafeTensorsWriter.Write(input, [SafeTensorsWriter.Float32("input", [1, 3, 128, 128], new float[3 * 128 * 128])]);

        var r = CliRunner.Run("infer", "--model", modelPath, "--input", input, "--output", TestPaths.TempFile("o.safetensors"));

        CliRunner.AssertOneLineError(r, 1, "but the model takes U8 [1,128,128,3]");
    }
}
