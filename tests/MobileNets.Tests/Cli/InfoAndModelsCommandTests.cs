using System.Text.Json;
using MobileNets.Architectures;
using MobileNets.Hub;
using MobileNets.Tests.TfLite;

namespace MobileNets.Tests.Cli;

/// <summary>
/// <c>info --arch</c> (an architecture without weights), <c>info</c> on TFLite graphs, and <c>models</c>:
/// every id <c>--arch</c> accepts and every name <c>pull</c> accepts, with how its download is verified.
/// </summary>
public class InfoAndModelsCommandTests
{
    static JsonElement Json(params string[] args)
    {
        var r = CliRunner.Run([.. args, "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>The numbers of models/cards.json (torchvision's own count), which ModelCardTests holds for every id.</summary>
    [Fact]
    public void InfoOfAnArchitectureAloneIsItsCard()
    {
        var root = Json("info", "--arch", "mobilenet_v3_small");
        Assert.Equal("mobilenet_v3_small", root.GetProperty("architecture").GetString());
        Assert.Equal("torchvision", root.GetProperty("library").GetString());
        Assert.Equal(1000, root.GetProperty("num_classes").GetInt32());
        Assert.Equal(2_542_856, root.GetProperty("parameters").GetInt64());
        Assert.Equal(56_510_400, root.GetProperty("macs").GetInt64());
        Assert.Equal(224, root.GetProperty("input_size").GetInt32());
    }

    [Fact]
    public void InfoOfAnArchitectureTakesAWidth() =>
        Assert.Equal(0.5, Json("info", "--arch", "mobilenetv3_small_100", "--width", "0.5").GetProperty("width").GetDouble());

    [Fact]
    public void InfoNeedsAModelOrAnArchitecture() =>
        CliRunner.AssertOneLineError(CliRunner.Run("info"), 2, "--model W or --arch A");

    [Fact]
    public void InfoOfADetectionArchitectureAloneAsksForWeights() =>
        CliRunner.AssertOneLineError(CliRunner.Run("info", "--arch", "ssdlite320_mobilenet_v3_large"), 2, "needs --model");

    /// <summary>
    /// TFLite MobileNetV2 1.0/224: torchvision's mobilenet_v2 card has 300,774,272 MACs for 1000 classes;
    /// the 1001st class adds 1280. Parameters: weights and biases of every convolution and the classifier.
    /// </summary>
    [Fact]
    public void InfoOfATfLiteClassifierCountsItsGraph()
    {
        var root = Json("info", "--model", TfLiteTestData.Shared("tflite/mobilenet_v2_1.0_224_quant.tflite"));
        Assert.Equal("tflite", root.GetProperty("library").GetString());
        Assert.Equal(1001, root.GetProperty("num_classes").GetInt32());
        Assert.Equal(224, root.GetProperty("input_size").GetInt32());
        Assert.Equal(300_774_272 + 1280, root.GetProperty("macs").GetInt64());
        Assert.Equal(3_489_097, root.GetProperty("parameters").GetInt64());
        Assert.Equal("tflite, uint8 per-tensor weights", root.GetProperty("weights").GetString());
    }

    [Fact]
    public void InfoOfTfLiteDeepLabHasNoClassCount()
    {
        var root = Json("info", "--model", TfLiteTestData.Shared("tflite/deeplabv3_mnv2_pascal_quant.tflite"));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("num_classes").ValueKind);
        Assert.Equal(513, root.GetProperty("input_size").GetInt32());
    }

    [Fact]
    public void ModelsListsEveryArchitectureAndEveryCatalogName()
    {
        var root = Json("models");
        var ids = root.GetProperty("architectures").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ArchitectureRegistry.All, a => Assert.Contains(a.Id, ids));
        Assert.Contains("ssdlite320_mobilenet_v3_large", ids);
        Assert.Contains("lraspp_mobilenet_v3_large", ids);
        Assert.Contains("deeplabv3_mobilenet_v3_large", ids);

        var published = root.GetProperty("published").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(ModelHub.Catalog.Select(e => e.Name), published.Keys);
        Assert.All(ModelHub.Catalog, e => Assert.Equal(e.IsHashPinned, published[e.Name].GetProperty("sha256_pinned").GetBoolean()));
        Assert.Equal("trust on first use", published["mobilenetv3_large_100.ra_in1k"].GetProperty("verification").GetString());
    }
}
