namespace MobileNets.Weights.TfLite;

/// <summary>Parsed builtin options of an operator (schema.fbs tables of the BuiltinOptions union).</summary>
internal abstract record TfLiteOptions;

internal sealed record Conv2DOptions(TfLitePadding Padding, int StrideW, int StrideH, TfLiteActivation Activation, int DilationW, int DilationH) : TfLiteOptions;

internal sealed record DepthwiseConv2DOptions(TfLitePadding Padding, int StrideW, int StrideH, int DepthMultiplier, TfLiteActivation Activation, int DilationW, int DilationH) : TfLiteOptions;

internal sealed record Pool2DOptions(TfLitePadding Padding, int StrideW, int StrideH, int FilterW, int FilterH, TfLiteActivation Activation) : TfLiteOptions;

internal sealed record FullyConnectedOptions(TfLiteActivation Activation, byte WeightsFormat, bool KeepNumDims) : TfLiteOptions;

internal sealed record SoftmaxOptions(float Beta) : TfLiteOptions;

internal sealed record ConcatenationOptions(int Axis, TfLiteActivation Activation) : TfLiteOptions;

/// <summary>Options of ADD and MUL (both hold only the fused activation here).</summary>
internal sealed record ElementwiseOptions(TfLiteActivation Activation) : TfLiteOptions;

internal sealed record ResizeBilinearOptions(bool AlignCorners, bool HalfPixelCenters) : TfLiteOptions;

internal sealed record ReshapeOptions(int[] NewShape) : TfLiteOptions;

internal sealed record ReducerOptions(bool KeepDims) : TfLiteOptions;

internal sealed record SqueezeOptions(int[] SqueezeDims) : TfLiteOptions;

internal sealed record ArgMaxOptions(TfLiteTensorType OutputType) : TfLiteOptions;
