namespace MobileNets.Kernels.Quantized.Reference;

/// <summary>
/// Scalar twin of <see cref="QuantizedGemm"/>: out[m,n] = requantize(bias[n] + Σk (a[m,k]-za)(w[n,k]-zw))
/// straight from the unpacked weights, the definition XNNPACK's qu8/qs8 gemm kernels implement.
/// </summary>
internal static class ReferenceQuantizedGemm
{
    public static void Run(QuantizedGemmWeights w, QuantizedOutputStage stage,
        ReadOnlySpan<byte> a, int aStride, int rows, Span<byte> output, int outputStride)
    {
        for (int m = 0; m < rows; m++)
        {
            var row = a.Slice(m * aStride, w.Depth);
            for (int n = 0; n < w.Channels; n++)
            {
                int acc = w.Bias[n];
                for (int k = 0; k < w.Depth; k++)
                    acc += (row[k] - w.InputZeroPoint) * (w.Weights[n * w.Depth + k] - w.WeightZeroPoint);
                output[m * outputStride + n] = stage.Requantize(acc, n);
            }
        }
    }
}
