using System.Numerics.Tensors;
using MobileNets.Imaging;
using MobileNets.Models;

namespace MobileNets.Classification;

/// <summary>The float engine: ToTensor + Normalize into one NCHW batch, one forward pass, softmax per image.</summary>
internal sealed class FloatClassifierBackend(ClassifierModel model) : IClassifierBackend
{
    public ClassifierModel Model => model;
    public string Architecture => model.Architecture.Id;
    public int NumClasses => model.NumClasses;
    public IReadOnlyDictionary<string, string> Metadata => model.Metadata;
    public EvalTransform DefaultTransform { get; } = PretrainedTransforms.For(model.Architecture, model.Metadata);

    /// <summary>The normalized NCHW batch exactly as the network sees it.</summary>
    public static float[] Tensor(IReadOnlyList<RgbImage> prepared, EvalTransform transform)
    {
        int size = 3 * transform.CropHeight * transform.CropWidth;
        var batch = new float[prepared.Count * size];
        for (int i = 0; i < prepared.Count; i++)
            ImageTransforms.ToTensor(prepared[i], transform.Mean, transform.Std, batch.AsSpan(i * size, size));
        return batch;
    }

    public float[] Probabilities(IReadOnlyList<RgbImage> prepared, EvalTransform transform, CancellationToken cancellation)
    {
        var input = Tensor(prepared, transform);
        var logits = new float[prepared.Count * NumClasses];
        model.Logits(input, prepared.Count, transform.CropHeight, transform.CropWidth, logits, cancellation);
        for (int i = 0; i < prepared.Count; i++)
        {
            var row = logits.AsSpan(i * NumClasses, NumClasses);
            MobileNets.Kernels.Softmax.InPlace(row);   // subtracts the max first: large logits must not overflow to NaN
        }
        return logits;
    }

    public void Dispose() => model.Network.Dispose();
}
