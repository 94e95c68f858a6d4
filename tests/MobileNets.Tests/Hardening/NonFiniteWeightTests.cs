using System.Buffers.Binary;
using MobileNets.Weights;

namespace MobileNets.Tests.Hardening;

/// <summary>A NaN or infinity anywhere in the weights is refused at load, naming the tensor.</summary>
public class NonFiniteWeightTests
{
    [Theory]
    [InlineData("conv_stem.weight", 0, float.NaN)]
    [InlineData("bn1.running_var", 3, float.PositiveInfinity)]
    [InlineData("classifier.bias", 6, float.NegativeInfinity)]
    [InlineData("classifier.weight", -1, float.NaN)]   // -1: the last element
    public void LoadRefusesTheFileNamingTheTensor(string tensor, int index, float value)
    {
        var bytes = File.ReadAllBytes(HardeningFixtures.ModelPath);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        SafeTensorInfo info;
        using (var file = SafeTensorsFile.Open(new MemoryStream(bytes), "fixture"))
            info = file.Get(tensor);
        Assert.Equal(TensorDType.F32, info.DType);
        long element = index >= 0 ? index : info.ElementCount + index;
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(checked((int)(dataStart + info.Begin + 4 * element))), value);
        string path = TestPaths.TempFile("nonfinite.safetensors");
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<ModelFormatException>(() => ImageClassifier.Load(path, options: new ClassifierOptions { Threads = 1 }));
        Assert.Contains($"tensor '{tensor}' holds a non-finite value", e.Message);
        Assert.Contains($"at index {element}", e.Message);
    }
}
