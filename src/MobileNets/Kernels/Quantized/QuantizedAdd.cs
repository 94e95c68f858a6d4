using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Parameters of XNNPACK's 8-bit addition (src/microparams-init.c, xnn_init_qu8_add_minmax_*_params):
/// the scale ratios become multipliers lrintf(ratio · 2^shift) with shift = 20 - exponent of the larger
/// ratio, and bias = 2^(shift-1) - ma·za - mb·zb (zero points and bounds in the unsigned domain).
/// </summary>
internal sealed class QuantizedAddParams
{
    public int Bias { get; }
    public int AMultiplier { get; }
    public int BMultiplier { get; }
    public int Shift { get; }
    public int ZeroPoint { get; }
    public int Min { get; }
    public int Max { get; }

    public QuantizedAddParams(float aRatio, float bRatio, int aZeroPoint, int bZeroPoint, int zeroPoint, int min, int max)
    {
        float maxRatio = MathF.Max(aRatio, bRatio);
        int exponent = (int)(BitConverter.SingleToUInt32Bits(maxRatio) >> 23) - 127;
        Shift = 20 - exponent;
        AMultiplier = (int)MathF.Round(MathF.ScaleB(aRatio, Shift), MidpointRounding.ToEven);
        BMultiplier = (int)MathF.Round(MathF.ScaleB(bRatio, Shift), MidpointRounding.ToEven);
        Bias = (1 << (Shift - 1)) - AMultiplier * aZeroPoint - BMultiplier * bZeroPoint;
        ZeroPoint = zeroPoint; Min = min; Max = max;
    }

    /// <summary>One element, as src/qu8-vadd/gen/minmax-scalar-x1.c: arithmetic shift, clamp, zero point.</summary>
    public byte Add(int a, int b)
    {
        int acc = Bias + a * AMultiplier + b * BMultiplier;
        return (byte)(Math.Clamp(acc >> Shift, Min - ZeroPoint, Max - ZeroPoint) + ZeroPoint);
    }
}

/// <summary>
/// TFLite's own 8-bit addition (optimized_ops / reference_integer_ops Add), used where the XNNPACK
/// delegate refuses the node (an input-to-output scale ratio outside [2^-10, 2^8)): inputs shifted
/// left by 20, each scaled by its fixed-point multiplier (scale / (2·max scale)), summed, then
/// scaled by 2·max scale / (2^20·output scale) and offset by the output zero point, clamped.
/// Multipliers are derived in double as TFLite's PrepareGeneralSubOp does.
/// </summary>
internal sealed class TfLiteAddParams
{
    const int LeftShift = 20;
    readonly FixedPointMultiplier _a, _b, _output;
    readonly int _aZeroPoint, _bZeroPoint, _zeroPoint, _min, _max;

    public TfLiteAddParams(float aScale, float bScale, float outputScale, int aZeroPoint, int bZeroPoint, int zeroPoint, int min, int max)
    {
        double twiceMax = 2.0 * Math.Max(aScale, bScale);
        _a = FixedPointMultiplier.From(aScale / twiceMax);
        _b = FixedPointMultiplier.From(bScale / twiceMax);
        _output = FixedPointMultiplier.From(twiceMax / ((1 << LeftShift) * (double)outputScale));
        if (_output.Shift > 0) throw new ArgumentException("output multiplier of TFLite's ADD must be below 1");
        _aZeroPoint = aZeroPoint; _bZeroPoint = bZeroPoint; _zeroPoint = zeroPoint; _min = min; _max = max;
    }

    public byte Add(int a, int b)
    {
        int sa = _a.Apply((a - _aZeroPoint) * (1 << LeftShift));
        int sb = _b.Apply((b - _bZeroPoint) * (1 << LeftShift));
        return (byte)Math.Clamp(_output.Apply(sa + sb) + _zeroPoint, _min, _max);
    }
}

/// <summary>Element-wise 8-bit addition of equal-length spans: AVX2 eight at a time, the scalar formula for the rest.</summary>
internal static unsafe class QuantizedAdd
{
    public static void Run(QuantizedAddParams p, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output, bool simd = true)
    {
        int n = output.Length, i = 0;
        if (a.Length < n || b.Length < n) throw new ArgumentException("inputs are shorter than the output");
        fixed (byte* pa = a, pb = b, po = output)
        {
            if (simd && Avx2.IsSupported)
            {
                var bias = Vector256.Create(p.Bias);
                var ma = Vector256.Create(p.AMultiplier);
                var mb = Vector256.Create(p.BMultiplier);
                var lo = Vector256.Create(p.Min - p.ZeroPoint);
                var hi = Vector256.Create(p.Max - p.ZeroPoint);
                var zp = Vector256.Create(p.ZeroPoint);
                var shift = Vector128.CreateScalar((long)p.Shift);
                for (; i + 8 <= n; i += 8)
                {
                    var va = Avx2.ConvertToVector256Int32(pa + i);
                    var vb = Avx2.ConvertToVector256Int32(pb + i);
                    var acc = Avx2.Add(bias, Avx2.Add(Avx2.MultiplyLow(va, ma), Avx2.MultiplyLow(vb, mb)));
                    var v = Avx2.Add(Avx2.Min(Avx2.Max(Avx2.ShiftRightArithmetic(acc, shift.AsInt32()), lo), hi), zp);
                    var s = Sse2.PackSignedSaturate(v.GetLower(), v.GetUpper());
                    *(ulong*)(po + i) = Sse2.PackUnsignedSaturate(s, s).AsUInt64().ToScalar();
                }
            }
            for (; i < n; i++) po[i] = p.Add(pa[i], pb[i]);
        }
    }
}
