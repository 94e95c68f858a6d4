using MobileNets.Imaging;

namespace MobileNets.Classification;

/// <summary>What runs behind <see cref="ImageClassifier"/>: the float engine or a quantized TFLite graph.</summary>
internal interface IClassifierBackend : IDisposable
{
    string Architecture { get; }
    int NumClasses { get; }
    IReadOnlyDictionary<string, string> Metadata { get; }
    EvalTransform DefaultTransform { get; }

    /// <summary>Class probabilities (N x classes) for images already resized and cropped by <paramref name="transform"/>.</summary>
    float[] Probabilities(IReadOnlyList<RgbImage> prepared, EvalTransform transform, CancellationToken cancellation);
}
