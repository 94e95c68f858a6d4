using System.Text.Json;
using MobileNets.Weights;

namespace MobileNets.Tests.Models;

/// <summary>One reference case from tools/reference/make_classifier_fixtures.py (torchvision/timm outputs).</summary>
/// <param name="InputFile">The file holding the shared inputs the case's input is cut from.</param>
/// <param name="InputTensor">The shared input batch in <paramref name="InputFile"/> (one per batch size).</param>
/// <param name="InputShape">(N, 3, H, W): the case's input is the top-left H x W window of that batch.</param>
/// <param name="Classify">Reference logits of committed images through the id's eval transform, when the case has them.</param>
public sealed record ClassifierCase(string Case, string Weights, string Io, string Architecture, double Width, int NumClasses, string Library,
    string InputFile, string InputTensor, int[] InputShape, string? Classify = null)
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
            e.GetProperty("library").GetString()!,
            e.GetProperty("input_file").GetString()!,
            e.GetProperty("input_tensor").GetString()!,
            e.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
            e.TryGetProperty("classify", out var classify) ? classify.GetString() : null)).ToList();
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in All()) data.Add(c.Case);
        return data;
    }

    public static ClassifierCase Get(string name) => All().Single(c => c.Case == name);

    /// <summary>
    /// The case's input, (N, 3, H, W) float32: the top-left H x W window of the shared batch the
    /// reference ran on (stored once as F16 for every case; the values were rounded to F16 before
    /// torch saw them, so the conversion is exact).
    /// </summary>
    public static (float[] Data, int[] Shape) Input(ClassifierCase c)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(Folder, c.InputFile));
        int[] full = file.Get(c.InputTensor).Shape;
        float[] source = file.ReadFloat32(c.InputTensor);
        int[] shape = c.InputShape;
        int n = shape[0], channels = shape[1], h = shape[2], w = shape[3];
        if (full[0] != n || full[1] != channels || full[2] < h || full[3] < w)
            throw new InvalidDataException($"{c.Case}: input {string.Join('x', shape)} is not a window of {c.InputTensor} {string.Join('x', full)}");
        var data = new float[n * channels * h * w];
        for (int plane = 0; plane < n * channels; plane++)
            for (int y = 0; y < h; y++)
                source.AsSpan((plane * full[2] + y) * full[3], w).CopyTo(data.AsSpan((plane * h + y) * w, w));
        return (data, shape);
    }
}
