namespace MobileNets.Classification;

/// <summary>The embedded ImageNet-1k class names (tools/reference/make_pretrained_configs.py).</summary>
internal static class ImageNetLabels
{
    static readonly Lazy<string[]> Names = new(() => EmbeddedResources.ReadLines("imagenet1k_labels.txt"));

    public static IReadOnlyList<string> Classes1000 => Names.Value;

    /// <summary>Labels for a model with <paramref name="classes"/> outputs, or null when ImageNet does not fit.</summary>
    public static IReadOnlyList<string>? For(int classes) => classes switch
    {
        1000 => Names.Value,
        1001 => ["background", .. Names.Value],   // TF-slim models reserve index 0
        _ => null,
    };
}

internal static class EmbeddedResources
{
    public static Stream Open(string name) =>
        typeof(EmbeddedResources).Assembly.GetManifestResourceStream($"MobileNets.Resources.{name}")
        ?? throw new InvalidOperationException($"embedded resource {name} is missing");

    public static string[] ReadLines(string name)
    {
        using var reader = new StreamReader(Open(name));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }
}
