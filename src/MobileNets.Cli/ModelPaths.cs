namespace MobileNets.Cli;

/// <summary>Where a verb's model comes from when --model is given or omitted.</summary>
internal static class ModelPaths
{
    public static string Resolve(string? model)
    {
        if (model != null) return model;
        throw new UsageException("no --model given and no default model in the local cache; pass --model FILE.safetensors");
    }
}
