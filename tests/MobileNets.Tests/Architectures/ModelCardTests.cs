using System.Text.Json;
using MobileNets.Architectures;
using MobileNets.Models;
using MobileNets.Weights;

namespace MobileNets.Tests.Architectures;

/// <summary>
/// Parameter counts and MACs at each id's default width, 1000 classes and default input size,
/// against models/cards.json (computed by models/make_cards.py from torchvision/timm themselves).
/// </summary>
public class ModelCardTests
{
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var card in Cards().Values) data.Add(card.GetProperty("id").GetString()!);
        return data;
    }

    static Dictionary<string, JsonElement> Cards()
    {
        var path = Path.Combine(TestPaths.RepoRoot(), "models", "cards.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cards").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.Clone());
    }

    [Theory, MemberData(nameof(Ids))]
    public void ParametersAndMacsMatchTheReference(string id)
    {
        var arch = ArchitectureRegistry.Find(id);
        var card = Cards()[id];
        using var weights = new RandomWeights(arch.Build(arch.DefaultWidth, 1000));
        var model = ClassifierModel.Load(weights);
        Assert.Equal(card.GetProperty("params").GetInt64(), model.ParameterCount);
        Assert.Equal(card.GetProperty("input_size")[1].GetInt32(), arch.DefaultInputSize);
        Assert.Equal(card.GetProperty("macs").GetInt64(), model.DefaultMultiplyAccumulates);
    }
}
