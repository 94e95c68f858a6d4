using MobileNets.Quantized;
using MobileNets.Weights;

namespace MobileNets.Tests.TfLite;

/// <summary>The uint8 MobileNet classifiers against TensorFlow Lite's own outputs (shared/data/tflite-reference).</summary>
public class ClassifierReferenceTests
{
    static readonly Dictionary<string, TfLiteModel> Models = new();

    static TfLiteModel Model(string name)
    {
        lock (Models)
        {
            if (!Models.TryGetValue(name, out var m)) Models[name] = m = TfLiteModel.Load(TfLiteTestData.Shared($"tflite/{name}.tflite"));
            return m;
        }
    }

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "mobilenet_v1_0.25_128_quant", "mobilenet_v2_1.0_224_quant" })
            foreach (var image in new[] { "bird", "cat", "hot_dog", "owl", "parrot", "pets" })
                data.Add(model, image);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void OutputMatchesTfLiteExactly(string model, string image)
    {
        using var reference = SafeTensorsFile.Open(TfLiteTestData.Shared($"tflite-reference/{model}__{image}.safetensors"));
        var input = reference.ReadBytes(reference.Get("input"));
        var expected = reference.ReadBytes(reference.Get("output"));
        var actual = Model(model).Run(input);

        Assert.Equal(expected.Length, actual.Length);
        int maxStep = 0;
        for (int i = 0; i < expected.Length; i++) maxStep = Math.Max(maxStep, Math.Abs(expected[i] - actual[i]));
        Assert.True(maxStep <= 1, $"largest difference is {maxStep} quantization steps");
        Assert.Equal(Array.IndexOf(expected, expected.Max()), Array.IndexOf(actual, actual.Max()));
        // Integer-only with XNNPACK's requantization reproduces TFLite bit for bit.
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void DescribesInputsAndOutputs()
    {
        var m = Model("mobilenet_v2_1.0_224_quant");
        var input = Assert.Single(m.Inputs);
        Assert.Equal(TensorDType.U8, input.ElementType);
        Assert.Equal([1, 224, 224, 3], input.Shape);
        Assert.Equal(128, Assert.Single(input.ZeroPoints));
        Assert.Equal(0.0078125f, Assert.Single(input.Scales));
        var output = Assert.Single(m.Outputs);
        Assert.Equal([1, 1001], output.Shape);
        Assert.Equal(1f / 256, Assert.Single(output.Scales));
    }

    [Fact]
    public void ConcurrentRunsGiveIdenticalResults()
    {
        var m = Model("mobilenet_v1_0.25_128_quant");
        using var reference = SafeTensorsFile.Open(TfLiteTestData.Shared("tflite-reference/mobilenet_v1_0.25_128_quant__cat.safetensors"));
        var input = reference.ReadBytes(reference.Get("input"));
        var expected = reference.ReadBytes(reference.Get("output"));
        var results = new byte[16][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = m.Run(input));
        foreach (var r in results) Assert.Equal(expected, r);
    }

    [Fact]
    public void RejectsInputOfWrongSize()
    {
        var m = Model("mobilenet_v1_0.25_128_quant");
        var e = Assert.Throws<ArgumentException>(() => m.Run(new byte[10]));
        Assert.Contains("49152 bytes", e.Message);
    }
}
