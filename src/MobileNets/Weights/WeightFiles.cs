namespace MobileNets.Weights;

/// <summary>Opens a weight file by its content (safetensors, PyTorch checkpoints; other formats join here).</summary>
internal static class WeightFiles
{
    /// <summary>Opens <paramref name="path"/> by its extension; <paramref name="limits"/> default to <see cref="ModelFileLimits.Default"/>.</summary>
    public static IWeightSource Open(string path, ModelFileLimits? limits = null)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".safetensors" or ".st" => new SafeTensorsWeightSource(SafeTensorsFile.Open(path, limits)),
            ".pth" or ".pt" => PyTorch.PyTorchCheckpoint.Open(path, limits),
            _ => throw new ModelFormatException($"{Path.GetFileName(path)}: unsupported weight file type '{ext}' (expected .safetensors, .pth or .pt)"),
        };
    }
}
