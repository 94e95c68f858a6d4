using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>Clamp bounds of fused activations, the two ways TFLite's CPU paths compute them.</summary>
internal static class ActivationRange
{
    /// <summary>The float range of a fused activation (xnnpack_delegate.cc, ConvertActivationToOutputRange).</summary>
    public static (float Min, float Max) Float(TfLiteActivation activation, string where) => activation switch
    {
        TfLiteActivation.None => (float.NegativeInfinity, float.PositiveInfinity),
        TfLiteActivation.Relu => (0f, float.PositiveInfinity),
        TfLiteActivation.ReluN1To1 => (-1f, 1f),
        TfLiteActivation.Relu6 => (0f, 6f),
        _ => throw new ModelFormatException($"unsupported fused activation {activation} in {where}"),
    };

    /// <summary>
    /// Quantized clamp of an operator XNNPACK runs: each float bound through xnn_qu8_quantize /
    /// xnn_qs8_quantize (src/xnnpack/requantization.h), returned in the unsigned storage domain.
    /// </summary>
    public static (int Min, int Max) Xnnpack(GraphTensor output, TfLiteActivation activation, string where)
    {
        var (lo, hi) = Float(activation, where);
        int offset = output.SignedOffset, zp = output.ZeroPoint - offset;
        int qmin = -offset, qmax = 255 - offset;
        return (Requantization.QuantizeBound(lo, output.Scale, zp, qmin, qmax) + offset,
                Requantization.QuantizeBound(hi, output.Scale, zp, qmin, qmax) + offset);
    }

    /// <summary>
    /// Quantized clamp of an operator TFLite runs itself (kernels/kernel_util.cc,
    /// CalculateActivationRangeQuantized): zero_point + round-half-away(bound / scale), limited to the type.
    /// </summary>
    public static (int Min, int Max) TfLite(GraphTensor output, TfLiteActivation activation, string where)
    {
        Float(activation, where);
        int offset = output.SignedOffset, zp = output.ZeroPoint - offset;
        int qmin = -offset, qmax = 255 - offset;
        int Q(float f) => zp + (int)MathF.Round(f / output.Scale, MidpointRounding.AwayFromZero);
        (int lo, int hi) = activation switch
        {
            TfLiteActivation.Relu => (Math.Max(qmin, Q(0f)), qmax),
            TfLiteActivation.Relu6 => (Math.Max(qmin, Q(0f)), Math.Min(qmax, Q(6f))),
            TfLiteActivation.ReluN1To1 => (Math.Max(qmin, Q(-1f)), Math.Min(qmax, Q(1f))),
            _ => (qmin, qmax),
        };
        return (lo + offset, hi + offset);
    }
}
