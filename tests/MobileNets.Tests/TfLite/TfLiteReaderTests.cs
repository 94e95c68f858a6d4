using MobileNets.Quantized;
using MobileNets.Tests.Hardening;
using MobileNets.Weights.TfLite;

namespace MobileNets.Tests.TfLite;

/// <summary>The reader and loader on malformed, truncated and mutated files: only ModelFormatException may escape.</summary>
public class TfLiteReaderTests
{
    static byte[] V1Model() => File.ReadAllBytes(TfLiteTestData.Shared("tflite/mobilenet_v1_0.25_128_quant.tflite"));

    [Fact]
    public void ParsesModelStructure()
    {
        var model = TfLiteModelDefinition.Parse(V1Model(), "v1");
        var g = Assert.Single(model.Subgraphs);
        Assert.Equal(31, g.Operators.Length);
        Assert.Equal("CONV_2D", g.Operators[0].Name);
        var conv = Assert.IsType<Conv2DOptions>(g.Operators[0].Options);
        Assert.Equal((2, 2, TfLiteActivation.Relu6), (conv.StrideW, conv.StrideH, conv.Activation));
        Assert.Equal("SOFTMAX", g.Operators[^1].Name);
        var filter = g.Tensors[g.Operators[0].Inputs[1]];
        Assert.Equal(TfLiteTensorType.UInt8, filter.Type);
        Assert.Equal([8, 3, 3, 3], filter.Shape);
        Assert.True(filter.Quantization!.IsPerTensor);
        Assert.Equal(8 * 27, model.BufferBytes(filter.BufferIndex).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(100)]
    public void RejectsTruncatedFile(int length)
    {
        var data = V1Model()[..length];
        Assert.Throws<ModelFormatException>(() => TfLiteModel.Load(data, "truncated"));
    }

    [Fact]
    public void RejectsWrongIdentifier()
    {
        var data = V1Model();
        data[4] = (byte)'X';
        var e = Assert.Throws<ModelFormatException>(() => TfLiteModel.Load(data, "bad"));
        Assert.Contains("TFL3", e.Message);
    }

    [Fact]
    public void RejectsRootOffsetPastTheEnd()
    {
        var data = V1Model();
        BitConverter.GetBytes(data.Length + 100).CopyTo(data, 0);
        var e = Assert.Throws<ModelFormatException>(() => TfLiteModel.Load(data, "bad"));
        Assert.Contains("outside", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    /// <summary>Activation memory the mutants may claim: the model needs 0.46 MB; a mutant that claims more than 4 MB is refused at load.</summary>
    static readonly ModelFileLimits FuzzLimits = ModelFileLimits.Default with { MaxActivationBytes = 4 << 20 };

    [Fact]
    public void SeededMutationsOnlyRaiseModelFormatException()
    {
        // The shared mutator and contract: bit flips, truncation, inflated fields and swapped,
        // duplicated or dropped tables and buffers; a mutant that loads must also run.
        var original = V1Model();
        var layout = TfLiteLayout.Of(original);
        Assert.True(layout.Chunks.Count >= 10, $"only {layout.Chunks.Count} chunks found, so little to swap");
        var mutator = new ByteMutator(original, layout);
        var loadAndRun = ParserAttempts.TfLite(FuzzLimits);
        int ran = 0;
        var stats = FuzzRunner<ModelFormatException>.Run("v1.tflite", 400, seed: 20240611, mutator.Mutate,
            data => { loadAndRun(data); ran++; }, length => FuzzSettings.AllocationBound(length, FuzzLimits.MaxActivationBytes));
        Assert.True(stats.Refused > stats.Iterations / 4, $"only {stats.Refused} of {stats.Iterations} mutants were rejected");
        Assert.True(ran > 0, "no mutant loaded, so the run path was never exercised");
    }
}
