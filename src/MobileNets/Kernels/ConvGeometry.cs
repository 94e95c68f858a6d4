using MobileNets.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// Spatial geometry of a 2-D convolution: square kernel, stride, dilation and the padding actually
/// applied to one input (top/left; bottom/right follow from the output size). TensorFlow 'same'
/// padding is asymmetric and depends on the input size, so it is resolved per input.
/// </summary>
internal readonly record struct ConvGeometry(int Kernel, int Stride, int Dilation, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    /// <summary>PyTorch-style symmetric padding.</summary>
    public static ConvGeometry Symmetric(FeatureShape input, int kernel, int stride, int dilation, int padding)
    {
        int span = dilation * (kernel - 1) + 1;
        int oh = (input.Height + 2 * padding - span) / stride + 1;
        int ow = (input.Width + 2 * padding - span) / stride + 1;
        if (oh <= 0 || ow <= 0) throw new ArgumentException($"input {input.Height}x{input.Width} is too small for a {kernel}x{kernel} convolution");
        return new(kernel, stride, dilation, padding, padding, oh, ow);
    }

    /// <summary>TensorFlow 'SAME': output = ceil(input / stride), extra padding at the bottom/right (timm Conv2dSame).</summary>
    public static ConvGeometry TfSame(FeatureShape input, int kernel, int stride, int dilation)
    {
        int oh = (input.Height + stride - 1) / stride, ow = (input.Width + stride - 1) / stride;
        int span = dilation * (kernel - 1) + 1;
        int padH = Math.Max((oh - 1) * stride + span - input.Height, 0);
        int padW = Math.Max((ow - 1) * stride + span - input.Width, 0);
        return new(kernel, stride, dilation, padH / 2, padW / 2, oh, ow);
    }
}
