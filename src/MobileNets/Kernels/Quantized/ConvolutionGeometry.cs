namespace MobileNets.Kernels.Quantized;

/// <summary>Spatial parameters of a 2-D convolution or pooling window over NHWC data.</summary>
internal readonly record struct ConvolutionGeometry(
    int InputHeight, int InputWidth, int OutputHeight, int OutputWidth,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth,
    int DilationHeight, int DilationWidth, int PadTop, int PadLeft);
