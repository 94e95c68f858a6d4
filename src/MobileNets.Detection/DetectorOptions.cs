using MobileNets.Imaging;

namespace MobileNets.Detection;

/// <summary>Options for <see cref="ObjectDetector.Load(string, string?, DetectorOptions?)"/>.</summary>
public sealed class DetectorOptions
{
    /// <summary>Threads one inference may use (1 = only the calling thread). Default: all processors.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Decoder limits and behaviour for the <c>Detect</c> overloads that take encoded images.</summary>
    public ImageDecodeOptions Decode { get; set; } = new();

    /// <summary>What the weights file may make the reader spend (header bytes, tensors, pickle).</summary>
    public ModelFileLimits Limits { get; set; } = ModelFileLimits.Default;
}
