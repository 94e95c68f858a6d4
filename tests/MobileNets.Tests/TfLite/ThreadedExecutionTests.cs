using MobileNets.Quantized;
using MobileNets.Weights;

namespace MobileNets.Tests.TfLite;

/// <summary>
/// The integer engine on several threads gives the bytes it gives on one: every part of a split
/// operator computes a fixed slice with the same arithmetic. 3 threads cover uneven splits; the
/// generated models are split wherever they can be, however small the operator.
/// </summary>
public class ThreadedExecutionTests
{
    static readonly int[] ThreadCounts = [1, 2, 3];
    static readonly Dictionary<(string, int), TfLiteModel> Classifiers = new();

    static TfLiteModel Classifier(string name, int threads)
    {
        lock (Classifiers)
        {
            if (!Classifiers.TryGetValue((name, threads), out var m))
                Classifiers[(name, threads)] = m = TfLiteModel.Load(TfLiteTestData.Shared($"tflite/{name}.tflite"), threads);
            return m;
        }
    }

    public static TheoryData<string, string> ReferenceCases() => ClassifierReferenceTests.Pairs();

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void ReferenceClassifiersGiveTheSameBytesAtEveryThreadCount(string model, string image)
    {
        using var reference = SafeTensorsFile.Open(TfLiteTestData.Shared($"tflite-reference/{model}__{image}.safetensors"));
        var input = reference.ReadBytes(reference.Get("input"));
        var expected = reference.ReadBytes(reference.Get("output"));
        foreach (int threads in ThreadCounts)
        {
            var m = Classifier(model, threads);
            Assert.Equal(threads, m.Threads);
            Assert.Equal(expected, m.Run(input));
        }
    }

    public static TheoryData<string> GeneratedCases() => GeneratedModelTests.Cases();

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public void GeneratedModelsGiveTheSameBytesAtEveryThreadCountSplittingEverything(string name)
    {
        using var f = SafeTensorsFile.Open(TfLiteTestData.Fixture($"{name}.safetensors"));
        var modelBytes = f.ReadBytes(f.Get("model"));
        byte[] input = f.ReadBytes(f.Get("input"));
        var stored = f.Tensors.Where(t => t.Name.StartsWith("t:", StringComparison.Ordinal)).Select(t => t.Name[2..]).ToArray();
        byte[][]? single = null;
        foreach (int threads in ThreadCounts)
        {
            using var model = TfLiteModel.Load(modelBytes, name, threads);
            model.Parallelism.SplitEverything = true;
            // The output and every intermediate tensor TFLite's fixture names.
            var got = model.RunAndCapture([input], [model.Outputs[0].Name, .. stored]);
            single ??= got;
            for (int i = 0; i < got.Length; i++) Assert.Equal(single[i], got[i]);
        }
    }

    [Fact]
    public void DeepLabMatchesTfLiteOnSeveralThreads()
    {
        var image = TfLiteTestData.ReadBmp(TfLiteTestData.Shared("images/bird_segmentation.bmp"), out _, out _);
        using var fixture = SafeTensorsFile.Open(TfLiteTestData.Fixture("deeplab_bird.safetensors"));
        var expectedLogits = fixture.ReadBytes(fixture.Get("logits33"));
        foreach (int threads in new[] { 2, 3 })
        {
            using var model = TfLiteModel.Load(TfLiteTestData.Shared("tflite/deeplabv3_mnv2_pascal_quant.tflite"), threads);
            var outputs = model.RunAndCapture([image], model.Outputs[0].Name, fixture.Metadata["logits33_tensor"]);
            Assert.Equal(expectedLogits, outputs[1]);
            var expectedClasses = fixture.ReadBytes(fixture.Get("classes"));
            for (int i = 0; i < expectedClasses.Length; i++) Assert.Equal(expectedClasses[i], BitConverter.ToInt64(outputs[0], 8 * i));
        }
    }

    [Fact]
    public void RefusesFewerThanOneThread()
    {
        var path = TfLiteTestData.Fixture("unsupported_operator.tflite");
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => TfLiteModel.Load(path, 0)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => TfLiteModel.Load(new byte[8], "x", -1)).ParamName);
    }
}
