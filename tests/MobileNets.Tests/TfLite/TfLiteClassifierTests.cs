using System.Text.Json;
using MobileNets.Imaging;
using MobileNets.Weights;

namespace MobileNets.Tests.TfLite;

/// <summary>
/// Real pretrained quantized MobileNets end to end through the public API: our decoding and bilinear
/// resize must produce TFLite's exact input, and Classify the reference top-1 with its probability
/// (quantized score / 256), on the shared photos.
/// </summary>
public class TfLiteClassifierTests
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        var shared = TestPaths.SharedData();
        if (shared == null) { data.Add("", ""); return data; }
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(shared, "tflite-reference", "reference.json")));
        foreach (var e in doc.RootElement.EnumerateArray())
            data.Add(e.GetProperty("model").GetString()!, e.GetProperty("image").GetString()!);
        return data;
    }

    [Theory, MemberData(nameof(Pairs))]
    public void ClassifyGivesTheReferenceTopOneThroughOurOwnDecodingAndResizing(string model, string image)
    {
        var shared = TestPaths.SharedData();
        if (shared == null) { Assert.Skip("../shared/data is absent"); return; }
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(shared, "tflite-reference", "reference.json")));
        var reference = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("model").GetString() == model && e.GetProperty("image").GetString() == image);
        var top = reference.GetProperty("top5")[0];

        using var classifier = ImageClassifier.Load(Path.Combine(shared, "tflite", model));
        var decoded = ImageDecoder.DecodeFile(Path.Combine(shared, "images", image));

        // The exact input TFLite saw: the whole photo resized with PIL bilinear.
        using (var io = SafeTensorsFile.Open(Path.Combine(shared, "tflite-reference", $"{Path.GetFileNameWithoutExtension(model)}__{Path.GetFileNameWithoutExtension(image)}.safetensors")))
            Assert.Equal(io.ReadBytes(io.Get("input")), classifier.Transform.Prepare(decoded).Pixels);

        var predictions = classifier.Classify(decoded, top: 5);
        Assert.Equal(top.GetProperty("index").GetInt32(), predictions[0].Index);
        Assert.Equal(top.GetProperty("label").GetString(), predictions[0].Label);
        Assert.Equal(top.GetProperty("q").GetInt32() / 256f, predictions[0].Probability);
    }
}
