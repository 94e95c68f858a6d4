namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Scalar requantization as XNNPACK computes it. Activations are stored in the unsigned domain
/// (int8 tensors shifted by +128), so bounds and zero points here are unsigned-domain values.
/// </summary>
internal static class Requantization
{
    /// <summary>
    /// XNNPACK "fp32" requantization (src/qu8-requantization/fp32-scalar-lrintf.c and the
    /// fp32 gemm/dwconv microkernels): the int32 accumulator times the float scale, clamped to
    /// [min - zp, max - zp], rounded to nearest-even, plus the output zero point.
    /// </summary>
    public static byte Fp32(int accumulator, float scale, int zeroPoint, int min, int max)
    {
        float scaled = accumulator * scale;
        scaled = MathF.Max(scaled, min - zeroPoint);
        scaled = MathF.Min(scaled, max - zeroPoint);
        return (byte)((int)MathF.Round(scaled, MidpointRounding.ToEven) + zeroPoint);
    }

    /// <summary>
    /// xnn_qu8_quantize / xnn_qs8_quantize (src/xnnpack/requantization.h): how XNNPACK turns a float
    /// activation bound into a quantized clamp, lrintf(clamp(value / scale + zp, qmin, qmax)).
    /// Computed in the tensor's own (signed or unsigned) domain and returned in that domain.
    /// </summary>
    public static int QuantizeBound(float value, float scale, int zeroPoint, int qmin, int qmax)
    {
        float q = value / scale + zeroPoint;
        q = MathF.Min(MathF.Max(q, qmin), qmax);
        return (int)MathF.Round(q, MidpointRounding.ToEven);
    }
}
