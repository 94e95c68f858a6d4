using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>Validated geometry of convolution and pooling windows.</summary>
internal static class ConvolutionShapes
{
    public static ConvolutionGeometry Conv(OperatorSite site, GraphTensor input, int kh, int kw, int strideH, int strideW,
        int dilationH, int dilationW, TfLitePadding padding)
    {
        site.Require(kh > 0 && kw > 0, $"has an empty {kh}x{kw} window");
        site.Require(strideH > 0 && strideW > 0 && strideH <= 1024 && strideW <= 1024, $"has invalid strides {strideH}x{strideW}");
        site.Require(dilationH > 0 && dilationW > 0 && dilationH <= 1024 && dilationW <= 1024, $"has invalid dilation {dilationH}x{dilationW}");
        int h = input.Shape[1], w = input.Shape[2];
        site.Require(h > 0 && w > 0, $"{input.Describe} is empty");
        int oh = OutputShapes.OutputSize(padding, h, kh, strideH, dilationH);
        int ow = OutputShapes.OutputSize(padding, w, kw, strideW, dilationW);
        site.Require(oh > 0 && ow > 0, $"window {kh}x{kw} does not fit {input.Describe}");
        return new ConvolutionGeometry(h, w, oh, ow, kh, kw, strideH, strideW, dilationH, dilationW,
            OutputShapes.PadBefore(padding, h, kh, strideH, dilationH, oh), OutputShapes.PadBefore(padding, w, kw, strideW, dilationW, ow));
    }
}
