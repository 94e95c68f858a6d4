namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Per-output-channel requantization parameters of a convolution-like operator (unsigned domain).
/// <see cref="Scale"/> holds input_scale * kernel_scale[c] / output_scale computed in float, as
/// XNNPACK does (src/operators/convolution-nhwc.c, requantization_scale); arrays are padded to the
/// packed channel count with zeros. When <see cref="FixedPoint"/> is set, the operator runs as
/// TFLite's own kernels do (fixed-point multipliers, see <see cref="FixedPointMultiplier"/>) and the
/// kernels take their scalar path.
/// </summary>
internal sealed class QuantizedOutputStage
{
    public required float[] Scale { get; init; }
    public required int ZeroPoint { get; init; }
    public required int Min { get; init; }
    public required int Max { get; init; }
    public FixedPointMultiplier[]? FixedPoint { get; init; }

    /// <summary>The output byte of channel <paramref name="channel"/> for an int32 accumulator.</summary>
    public byte Requantize(int accumulator, int channel)
    {
        if (FixedPoint == null) return Requantization.Fp32(accumulator, Scale[channel], ZeroPoint, Min, Max);
        // MultiplyByQuantizedMultiplier (kernels/internal/common.h): left shift for positive exponents.
        var m = FixedPoint[channel];
        int shifted = accumulator * (1 << Math.Max(m.Shift, 0));
        int v = FixedPointMultiplier.RoundingDivideByPowerOfTwo(FixedPointMultiplier.DoublingHighMul(shifted, m.Multiplier), Math.Max(-m.Shift, 0));
        return (byte)Math.Clamp(v + ZeroPoint, Min, Max);
    }
}
