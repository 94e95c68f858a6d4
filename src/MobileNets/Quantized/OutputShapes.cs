using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>TFLite's output-size and padding rules (kernels/padding.h, ComputePaddingHeightWidth).</summary>
internal static class OutputShapes
{
    public static int OutputSize(TfLitePadding padding, int input, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        return padding == TfLitePadding.Same ? (input + stride - 1) / stride : (input - effective + stride) / stride;
    }

    /// <summary>Leading padding: half of the total, rounded down (the rest goes after), as TFLite and XNNPACK's SAME padding.</summary>
    public static int PadBefore(TfLitePadding padding, int input, int filter, int stride, int dilation, int output)
    {
        if (padding == TfLitePadding.Valid) return 0;
        int effective = (filter - 1) * dilation + 1;
        int total = Math.Max((output - 1) * stride + effective - input, 0);
        return total / 2;
    }
}
