using MobileNets.Imaging;

namespace MobileNets.Segmentation;

/// <summary>Options for <see cref="SemanticSegmenter.Load(string, string?, SegmenterOptions?)"/>.</summary>
public sealed class SegmenterOptions
{
    /// <summary>Threads one inference may use (1 = only the calling thread). Default: all processors.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Decoder limits and behaviour for the <c>Segment</c> overloads that take encoded images.</summary>
    public ImageDecodeOptions Decode { get; set; } = new();

    /// <summary>What the model file may make the reader spend (header bytes, tensors, pickle, TFLite activations).</summary>
    public ModelFileLimits Limits { get; set; } = ModelFileLimits.Default;
}
