using MobileNets.Imaging;

namespace MobileNets;

/// <summary>Options for <see cref="ImageClassifier.Load(string, string?, ClassifierOptions?)"/>.</summary>
public sealed class ClassifierOptions
{
    /// <summary>Width multiplier; when null it comes from the file's metadata or is inferred from the weights' shapes.</summary>
    public double? Width { get; set; }

    /// <summary>Threads one inference may use (1 = only the calling thread). Default: all processors.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Class names by output index; default: the file's metadata, else ImageNet-1k for 1000/1001-class models.</summary>
    public IReadOnlyList<string>? Labels { get; set; }

    /// <summary>Evaluation transform; default: the one the architecture's weights were evaluated with.</summary>
    public EvalTransform? Transform { get; set; }

    /// <summary>Decoder limits and behaviour (maximum pixel count, EXIF orientation).</summary>
    public ImageDecodeOptions Decode { get; set; } = new();

    /// <summary>What the model file may make the reader spend (header bytes, tensors, pickle, TFLite activations).</summary>
    public ModelFileLimits Limits { get; set; } = ModelFileLimits.Default;
}
