using System.Text.Json;

namespace MobileNets.Tests.Models;

/// <summary>One reference case from tools/reference/make_classifier_fixtures.py (torchvision/timm outputs).</summary>
public sealed record ClassifierCase(string Case, string Weights, string Io, string Architecture, double Width, int NumClasses, string Library)
{
    public override string ToString() => Case;
}

public static class ClassifierFixtures
{
    public static string Folder => TestPaths.Fixtures("Classifiers");

    public static IReadOnlyList<ClassifierCase> All()
    {
        var manifest = Path.Combine(Folder, "manifest.json");
        if (!File.Exists(manifest)) return [];
        using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
        return doc.RootElement.EnumerateArray().Select(e => new ClassifierCase(
            e.GetProperty("case").GetString()!,
            e.GetProperty("weights").GetString()!,
            e.GetProperty("io").GetString()!,
            e.GetProperty("architecture").GetString()!,
            e.GetProperty("width").ValueKind == JsonValueKind.Number ? e.GetProperty("width").GetDouble() : double.Parse(e.GetProperty("width").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            e.GetProperty("num_classes").ValueKind == JsonValueKind.Number ? e.GetProperty("num_classes").GetInt32() : int.Parse(e.GetProperty("num_classes").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            e.GetProperty("library").GetString()!)).ToList();
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in All()) data.Add(c.Case);
        return data;
    }

    public static ClassifierCase Get(string name) => All().Single(c => c.Case == name);
}
