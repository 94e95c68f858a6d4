using System.Diagnostics;
using MobileNets.Quantized;
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

    /// <summary>Positions of the flatbuffer's structure (everything but the bulk data of large constant buffers).</summary>
    static int[] StructureBytes(byte[] data)
    {
        var model = TfLiteModelDefinition.Parse(data, "v1");
        var inData = new bool[data.Length];
        foreach (var b in model.Buffers.Where(b => b.Length > 64))
            Array.Fill(inData, true, b.Start, b.Length);
        return Enumerable.Range(0, data.Length).Where(i => !inData[i]).ToArray();
    }

    [Fact]
    public void SeededMutationsOnlyRaiseModelFormatException()
    {
        var original = V1Model();
        var structure = StructureBytes(original);
        var rng = new Random(20240611);
        int loaded = 0, rejected = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var data = (byte[])original.Clone();
            switch (trial % 4)
            {
                case 0: // bit flips in the structure
                    for (int k = rng.Next(1, 9); k > 0; k--) data[structure[rng.Next(structure.Length)]] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1: // truncation anywhere
                    data = data[..rng.Next(data.Length)];
                    break;
                case 2: // an inflated length or offset at an aligned structure position
                {
                    int p = structure[rng.Next(structure.Length)] & ~3;
                    if (p + 4 <= data.Length)
                        BitConverter.GetBytes(rng.Next(3) switch { 0 => int.MaxValue - rng.Next(64), 1 => BitConverter.ToInt32(data, p) + rng.Next(1, 1 << 20), _ => -rng.Next(1, 1 << 16) }).CopyTo(data, p);
                    break;
                }
                default: // random bytes over a short run of the structure
                {
                    int p = structure[rng.Next(structure.Length)];
                    for (int k = 0; k < 8 && p + k < data.Length; k++) data[p + k] = (byte)rng.Next(256);
                    break;
                }
            }
            var watch = Stopwatch.StartNew();
            TfLiteModel? model = null;
            try { model = TfLiteModel.Load(data, $"mutant{trial}"); }
            catch (ModelFormatException e)
            {
                Assert.DoesNotContain("\n", e.Message);
                rejected++;
            }
            if (model != null)
            {
                loaded++;
                var inputs = model.Inputs.Select(i => new byte[i.ByteLength]).ToArray();
                model.Run(inputs);
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"mutant {trial} took {watch.Elapsed}");
        }
        Assert.True(rejected > 100, $"only {rejected} of 400 mutants were rejected");
        Assert.True(loaded > 0, "no mutant loaded, so the run path was never exercised");
    }
}
