using MobileNets.Imaging;
using MobileNets.Quantized;
using MobileNets.Weights;
using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// What "parse this file" means for each parser, shared by the fuzz tests and the regression corpus:
/// open it and use everything in it (read every tensor, run the model, check the decoded image).
/// </summary>
public static class ParserAttempts
{
    public static void SafeTensors(byte[] bytes)
    {
        using var file = SafeTensorsFile.Open(new MemoryStream(bytes, writable: false), "input.safetensors");
        foreach (var t in file.Tensors) file.ReadFloat32(t);
    }

    public static void Checkpoint(byte[] bytes)
    {
        using var pth = PyTorchCheckpoint.Open(new MemoryStream(bytes, writable: false), "input.pth");
        foreach (var name in pth.Names) pth.ReadFloat32(name);
    }

    public static Action<byte[]> TfLite(ModelFileLimits limits) => bytes =>
    {
        using var model = TfLiteModel.Load(bytes, "input.tflite", threads: 1, limits);
        model.Run(model.Inputs.Select(i => new byte[i.ByteLength]).ToArray());
    };

    public static Action<byte[]> Image(ImageDecodeOptions options) => bytes =>
    {
        var image = ImageDecoder.Decode(bytes, options);
        Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
    };

    /// <summary>The parser a file's extension selects, the exception it refuses with, and its attempt under default limits.</summary>
    public static (Type Refusal, Action<byte[]> Attempt) ForExtension(string extension) => extension.ToLowerInvariant() switch
    {
        ".safetensors" => (typeof(ModelFormatException), SafeTensors),
        ".pth" or ".pt" => (typeof(ModelFormatException), Checkpoint),
        ".tflite" => (typeof(ModelFormatException), TfLite(ModelFileLimits.Default)),
        ".png" or ".jpg" or ".jpeg" or ".bmp" or ".ppm" or ".pgm" or ".pbm" => (typeof(ImageFormatException), Image(new ImageDecodeOptions())),
        _ => throw new ArgumentException($"no parser for '{extension}'"),
    };
}
