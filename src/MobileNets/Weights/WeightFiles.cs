namespace MobileNets.Weights;

/// <summary>Opens a weight file by its content (safetensors, PyTorch checkpoints; other formats join here).</summary>
internal static class WeightFiles
{
    public static IWeightSource Open(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".safetensors" or ".st" => new SafeTensorsWeightSource(SafeTensorsFile.Open(path)),
            ".pth" or ".pt" => PyTorch.PyTorchCheckpoint.Open(path),
            _ => throw new ModelFormatException($"{Path.GetFileName(path)}: unsupported weight file type '{ext}' (expected .safetensors, .pth or .pt)"),
        };
    }
}
