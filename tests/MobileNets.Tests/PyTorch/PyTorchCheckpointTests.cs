using MobileNets.Models;
using MobileNets.Tests.Models;
using MobileNets.Weights;
using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.PyTorch;

/// <summary>
/// torchvision mobilenet_v3_small (width 0.2, 10 classes, random weights, randomized BatchNorm)
/// saved by torch 1.13 as zip float32, zip float16 and the legacy format, against its safetensors
/// twin and torch's logits.
/// </summary>
public class PyTorchCheckpointTests
{
    static (float[] Input, int[] Shape, float[] Logits, float[] LogitsF16) ReadIo()
    {
        using var io = SafeTensorsFile.Open(PyTorchFixtures.Path("mnv3s_io.safetensors"));
        return (io.ReadFloat32("input"), io.Get("input").Shape, io.ReadFloat32("logits"), io.ReadFloat32("logits_f16"));
    }

    [Theory]
    [InlineData("mnv3s_f32.pth", "zip")]
    [InlineData("mnv3s_legacy.pth", "legacy")]
    public void Float32CheckpointHoldsExactlyTheTwinsTensors(string file, string format)
    {
        using var pth = PyTorchCheckpoint.Open(PyTorchFixtures.Path(file));
        using var twin = SafeTensorsFile.Open(PyTorchFixtures.Path("mnv3s.safetensors"));
        Assert.Equal(format, pth.Format);
        Assert.Equal(twin.Tensors.Select(t => t.Name).Order(), pth.Names.Order());
        foreach (var t in twin.Tensors)
        {
            Assert.True(pth.TryGetShape(t.Name, out var shape));
            Assert.Equal(t.Shape, shape);
            Assert.Equal(twin.ReadFloat32(t), pth.ReadFloat32(t.Name));
        }
        Assert.Equal(TensorDType.I64, pth.DTypeOf("features.0.1.num_batches_tracked"));
    }

    [Theory]
    [InlineData("mnv3s_f32.pth")]
    [InlineData("mnv3s_legacy.pth")]
    public void Float32CheckpointGivesTheTwinsAndTorchsLogits(string file)
    {
        var (input, shape, expected, _) = ReadIo();
        var fromPth = ClassifierModel.Load(PyTorchFixtures.Path(file), "mobilenet_v3_small");
        var fromTwin = ClassifierModel.Load(PyTorchFixtures.Path("mnv3s.safetensors"));
        Assert.Equal(0.2, fromPth.Width, 3);
        Assert.Equal(10, fromPth.NumClasses);
        var logits = fromPth.Logits(input, shape[0], shape[2], shape[3]);
        Assert.Equal(fromTwin.Logits(input, shape[0], shape[2], shape[3]), logits);
        ClassifierParityTests.AssertParity(expected, logits, shape[0], file);
    }

    [Fact]
    public void HalfCheckpointHoldsTheTwinRoundedToHalf()
    {
        using var pth = PyTorchCheckpoint.Open(PyTorchFixtures.Path("mnv3s_f16.pth"));
        using var twin = SafeTensorsFile.Open(PyTorchFixtures.Path("mnv3s.safetensors"));
        foreach (var t in twin.Tensors)
        {
            var expected = twin.ReadFloat32(t);
            if (t.DType == TensorDType.F32)
            {
                Assert.Equal(TensorDType.F16, pth.DTypeOf(t.Name));
                for (int i = 0; i < expected.Length; i++) expected[i] = (float)(Half)expected[i];
            }
            Assert.Equal(expected, pth.ReadFloat32(t.Name));
        }
    }

    [Fact]
    public void HalfCheckpointGivesTorchsLogitsOfTheRoundedWeights()
    {
        var (input, shape, _, expected) = ReadIo();
        var model = ClassifierModel.Load(PyTorchFixtures.Path("mnv3s_f16.pth"), "mobilenet_v3_small");
        ClassifierParityTests.AssertParity(expected, model.Logits(input, shape[0], shape[2], shape[3]), shape[0], "mnv3s_f16.pth");
    }

    [Theory]
    [InlineData("views.pth")]
    [InlineData("views_legacy.pth")]
    public void StridedOffsetAndTypedTensorsMatchTheirContiguousFloatValues(string file)
    {
        using var pth = PyTorchCheckpoint.Open(PyTorchFixtures.Path(file));
        using var twin = SafeTensorsFile.Open(PyTorchFixtures.Path("views.safetensors"));
        Assert.Equal(twin.Tensors.Count, pth.Names.Count());
        foreach (var t in twin.Tensors)
        {
            Assert.True(pth.TryGetShape(t.Name, out var shape), t.Name);
            Assert.Equal(t.Shape, shape);
            Assert.Equal(twin.ReadFloat32(t), pth.ReadFloat32(t.Name));
        }
        Assert.Equal(TensorDType.BF16, pth.DTypeOf("bf16"));
        Assert.Equal(TensorDType.F64, pth.DTypeOf("f64"));
        Assert.Equal(TensorDType.I32, pth.DTypeOf("i32"));
    }

    [Fact]
    public void StateDictWrappedByATrainingScriptIsUnwrapped()
    {
        using var pth = PyTorchCheckpoint.Open(PyTorchFixtures.Path("wrapped.pth"));
        using var twin = SafeTensorsFile.Open(PyTorchFixtures.Path("wrapped.safetensors"));
        Assert.Equal(["layer.weight", "layer.bias"], pth.Names);
        foreach (var t in twin.Tensors) Assert.Equal(twin.ReadFloat32(t), pth.ReadFloat32(t.Name));
    }

    /// <summary>
    /// torch.save always writes a ZIP64 end record beside the classic one; saturating the classic
    /// record's count, size and offset (as a file past 4 GB or 65535 entries would) must send the
    /// reader to the ZIP64 record.
    /// </summary>
    [Fact]
    public void Zip64EndRecordIsFollowedWhenTheClassicOneIsSaturated()
    {
        var bytes = File.ReadAllBytes(PyTorchFixtures.Path("wrapped.pth"));
        int end = bytes.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        Assert.True(end > 0);
        bytes.AsSpan(end + 8, 4).Fill(0xff);    // entries on this disk, total entries
        bytes.AsSpan(end + 12, 8).Fill(0xff);   // central directory size and offset
        using var pth = PyTorchCheckpoint.Open(new MemoryStream(bytes), "zip64.pth");
        using var twin = SafeTensorsFile.Open(PyTorchFixtures.Path("wrapped.safetensors"));
        foreach (var t in twin.Tensors) Assert.Equal(twin.ReadFloat32(t), pth.ReadFloat32(t.Name));
    }

    [Fact]
    public void WeightFilesOpensPthAndPtAsCheckpoints()
    {
        var pt = TestPaths.TempFile("weights.pt");
        File.Copy(PyTorchFixtures.Path("wrapped.pth"), pt);
        using var a = WeightFiles.Open(PyTorchFixtures.Path("wrapped.pth"));
        using var b = WeightFiles.Open(pt);
        Assert.IsType<PyTorchCheckpoint>(a);
        Assert.IsType<PyTorchCheckpoint>(b);
        Assert.Empty(a.Metadata);
    }

    [Fact]
    public void InfoVerbReadsAPthFile()
    {
        var r = Cli.CliRunner.Run("info", "--model", PyTorchFixtures.Path("mnv3s_f32.pth"), "--arch", "mobilenet_v3_small", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"num_classes\": 10", r.Stdout);
    }
}
