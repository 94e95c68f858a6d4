using System.Text.Json;

namespace MobileNets.Architectures;

/// <summary>
/// timm's pretrained evaluation configs per architecture id (default tag and every published tag),
/// embedded from tools/reference/make_pretrained_configs.py.
/// </summary>
internal static class TimmPretrainedConfigs
{
    static readonly Lazy<JsonDocument> Document = new(() =>
    {
        using var stream = typeof(TimmPretrainedConfigs).Assembly.GetManifestResourceStream("MobileNets.Resources.timm_pretrained.json")
            ?? throw new InvalidOperationException("embedded resource timm_pretrained.json is missing");
        return JsonDocument.Parse(stream);
    });

    /// <summary>The config of <paramref name="tag"/> when given and published, else of the default tag.</summary>
    public static bool TryGet(string architecture, string? tag, out JsonElement config)
    {
        config = default;
        if (!Document.Value.RootElement.TryGetProperty(architecture, out var entry)) return false;
        config = tag != null && entry.GetProperty("tags").TryGetProperty(tag, out var tagged) ? tagged : entry;
        return true;
    }

    /// <summary>Input size (height) of the default tag, or <paramref name="fallback"/>.</summary>
    public static int DefaultInputSize(string architecture, int fallback) =>
        TryGet(architecture, null, out var c) ? c.GetProperty("input_size")[1].GetInt32() : fallback;
}
