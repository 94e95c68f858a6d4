using System.Numerics.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// Numerically stable softmax, as torch computes it: exp(x - max(x)) / sum. (TensorPrimitives.SoftMax
/// exponentiates without subtracting the maximum, which overflows on logits past ~88.)
/// </summary>
internal static class Softmax
{
    public static void InPlace(Span<float> x)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, x);
        TensorPrimitives.Exp(x, x);
        TensorPrimitives.Divide(x, TensorPrimitives.Sum(x), x);
    }
}
