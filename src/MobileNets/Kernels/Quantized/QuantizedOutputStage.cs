namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Per-output-channel requantization parameters of a convolution-like operator (unsigned domain).
/// <see cref="Scale"/> holds input_scale * kernel_scale[c] / output_scale computed in float, as
/// XNNPACK does (src/operators/convolution-nhwc.c, requantization_scale); arrays are padded to the
/// packed channel count with zeros.
/// </summary>
internal sealed class QuantizedOutputStage
{
    public required float[] Scale { get; init; }
    public required int ZeroPoint { get; init; }
    public required int Min { get; init; }
    public required int Max { get; init; }
}
