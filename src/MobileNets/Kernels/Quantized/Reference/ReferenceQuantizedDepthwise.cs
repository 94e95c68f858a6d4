namespace MobileNets.Kernels.Quantized.Reference;

/// <summary>
/// Scalar twin of <see cref="QuantizedDepthwise"/> from raw TFLite-layout weights
/// [1, KH, KW, C·M] with a depth multiplier M (output channel o reads input channel o / M), as in
/// TFLite's reference_ops::DepthwiseConv and XNNPACK's grouped convolution.
/// </summary>
internal static class ReferenceQuantizedDepthwise
{
    public static void Run(ReadOnlySpan<byte> input, int inputChannels, int depthMultiplier, int inputZeroPoint,
        ReadOnlySpan<int> centeredWeights, ReadOnlySpan<int> bias, QuantizedOutputStage stage, ConvolutionGeometry geo, Span<byte> output)
    {
        int outC = inputChannels * depthMultiplier;
        for (int oy = 0; oy < geo.OutputHeight; oy++)
            for (int ox = 0; ox < geo.OutputWidth; ox++)
                for (int o = 0; o < outC; o++)
                {
                    int acc = bias[o];
                    for (int ky = 0; ky < geo.KernelHeight; ky++)
                        for (int kx = 0; kx < geo.KernelWidth; kx++)
                        {
                            int iy = oy * geo.StrideHeight - geo.PadTop + ky * geo.DilationHeight;
                            int ix = ox * geo.StrideWidth - geo.PadLeft + kx * geo.DilationWidth;
                            if (iy < 0 || iy >= geo.InputHeight || ix < 0 || ix >= geo.InputWidth) continue;
                            int x = input[(iy * geo.InputWidth + ix) * inputChannels + o / depthMultiplier];
                            acc += (x - inputZeroPoint) * centeredWeights[(ky * geo.KernelWidth + kx) * outC + o];
                        }
                    output[(oy * geo.OutputWidth + ox) * outC + o] = stage.Requantize(acc, o);
                }
    }
}
