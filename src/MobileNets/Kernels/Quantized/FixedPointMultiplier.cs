namespace MobileNets.Kernels.Quantized;

/// <summary>
/// TFLite's older fixed-point requantization (kernels/internal/quantization_util.cc and common.h,
/// after gemmlowp): a real multiplier becomes a Q31 integer and a power-of-two exponent; products
/// use a saturating rounding doubling high multiply and a rounding right shift (half away from zero).
/// TFLite's own kernels use it where XNNPACK does not take an operator.
/// </summary>
internal readonly record struct FixedPointMultiplier(int Multiplier, int Shift)
{
    /// <summary>QuantizeMultiplier: frexp, round-half-away of the fraction times 2^31, renormalized at 2^31.</summary>
    public static FixedPointMultiplier From(double real)
    {
        if (real == 0) return new FixedPointMultiplier(0, 0);
        int exponent = real == 0 ? 0 : (int)Math.Floor(Math.Log2(Math.Abs(real))) + 1;
        double fraction = real / Math.Pow(2, exponent);
        // frexp returns a fraction in [0.5, 1); correct for rounding of the logarithm.
        if (Math.Abs(fraction) >= 1) { fraction /= 2; exponent++; }
        if (Math.Abs(fraction) < 0.5) { fraction *= 2; exponent--; }
        long q = (long)Math.Round(fraction * (1L << 31), MidpointRounding.AwayFromZero);
        if (q == 1L << 31) { q /= 2; exponent++; }
        if (exponent < -31) { exponent = 0; q = 0; }
        return new FixedPointMultiplier((int)q, exponent);
    }

    /// <summary>gemmlowp SaturatingRoundingDoublingHighMul.</summary>
    public static int DoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1 << 30 : 1 - (1 << 30);
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>gemmlowp RoundingDivideByPOT: arithmetic shift rounding half away from zero.</summary>
    public static int RoundingDivideByPowerOfTwo(int x, int exponent)
    {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>MultiplyByQuantizedMultiplierSmallerThanOneExp (the multiplier's exponent is 0 or negative).</summary>
    public int Apply(int x) => RoundingDivideByPowerOfTwo(DoublingHighMul(x, Multiplier), -Shift);
}
