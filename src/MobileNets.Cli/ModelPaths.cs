using MobileNets.Hub;
using MobileNets.Weights;

namespace MobileNets.Cli;

/// <summary>Where a verb's model comes from: a file, a published model name (through the cache), or the default model.</summary>
internal static class ModelPaths
{
    /// <summary>The model used when --model is omitted: torchvision's MobileNetV3-Large, if it is in the local cache.</summary>
    public const string DefaultModel = "mobilenet_v3_large.IMAGENET1K_V2";

    /// <summary>
    /// What to hand <see cref="ImageClassifier.Load(string, string?, ClassifierOptions?)"/>: the file or
    /// name as given, or the default model's name when it is cached.
    /// </summary>
    public static string ForClassifier(string? model)
    {
        if (model != null) return model;
        var entry = ModelHub.Find(DefaultModel);
        string cached = ModelHub.CachePath(entry);
        if (File.Exists(cached)) return DefaultModel;
        throw new UsageException($"no --model given and the default model is not in the local cache ({cached}); run `mobilenets pull {DefaultModel}` or pass --model FILE");
    }

    /// <summary>A local file for <paramref name="model"/> and, for a published name, its architecture.</summary>
    public static (string Path, string? Architecture) Resolve(string model)
    {
        if (File.Exists(model) || !ModelHub.TryFind(model, out var entry)) return (model, null);
        return (ModelHub.Resolve(model), entry.Architecture);
    }

    /// <summary>The architecture a weight file's metadata names, if any (null for a missing file or a TFLite graph).</summary>
    public static string? ArchitectureOf(string path)
    {
        if (!File.Exists(path) || path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase)) return null;
        using var source = WeightFiles.Open(path);
        return source.Metadata.GetValueOrDefault("architecture");
    }
}
