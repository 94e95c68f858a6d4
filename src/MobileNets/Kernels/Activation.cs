using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MobileNets.Kernels;

/// <summary>Pointwise nonlinearities the MobileNet family uses.</summary>
internal enum Activation
{
    None,
    ReLU,
    ReLU6,
    /// <summary>x * relu6(x + 3) / 6 (MobileNetV3 §5.2).</summary>
    HardSwish,
    /// <summary>relu6(x + 3) / 6, the SE gate of MobileNetV3.</summary>
    HardSigmoid,
    Sigmoid,
    /// <summary>x * sigmoid(x), a.k.a. swish.</summary>
    SiLU,
    /// <summary>Exact GELU: x * Phi(x), through erf.</summary>
    GELU,
    /// <summary>GELU with the tanh approximation.</summary>
    GELUTanh,
}

/// <summary>
/// An activation a kernel applies in registers right after accumulation. The clamps pass the value
/// second to the hardware min/max so a NaN input stays NaN, as in PyTorch.
/// </summary>
internal interface IActivationOp
{
    static abstract float Apply(float x);
    static abstract TV Apply<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct;
}

internal struct IdentityOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x) => x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct => x;
}

internal struct ReluOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x) => MathF.Max(x, 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct => TS.Max(TS.Zero, x);
}

internal struct Relu6Op : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x) => MathF.Min(MathF.Max(x, 0f), 6f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct => TS.Min(TS.Broadcast(6f), TS.Max(TS.Zero, x));
}

internal struct HardSwishOp : IActivationOp
{
    // torch: x * min(max(x + 3, 0), 6) / 6
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x) => x * MathF.Min(MathF.Max(x + 3f, 0f), 6f) * (1f / 6f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct =>
        TS.Multiply(TS.Multiply(x, TS.Min(TS.Broadcast(6f), TS.Max(TS.Zero, TS.Add(x, TS.Broadcast(3f))))), TS.Broadcast(1f / 6f));
}

internal struct HardSigmoidOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x) => MathF.Min(MathF.Max(x + 3f, 0f), 6f) * (1f / 6f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TS, TV>(TV x) where TS : ISimd<TV> where TV : struct =>
        TS.Multiply(TS.Min(TS.Broadcast(6f), TS.Max(TS.Zero, TS.Add(x, TS.Broadcast(3f)))), TS.Broadcast(1f / 6f));
}

internal static class Activations
{
    /// <summary>Piecewise-linear activations are applied inside the kernels; the others in a pass of their own.</summary>
    public static bool IsFusable(Activation a) => a is Activation.None or Activation.ReLU or Activation.ReLU6 or Activation.HardSwish or Activation.HardSigmoid;

    /// <summary>Scalar definition of every activation: the reference the kernels are held to.</summary>
    public static float Apply(Activation a, float x) => a switch
    {
        Activation.None => x,
        Activation.ReLU => ReluOp.Apply(x),
        Activation.ReLU6 => Relu6Op.Apply(x),
        Activation.HardSwish => HardSwishOp.Apply(x),
        Activation.HardSigmoid => HardSigmoidOp.Apply(x),
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        Activation.SiLU => x / (1f + MathF.Exp(-x)),
        Activation.GELU => (float)(0.5 * x * (1.0 + Erf(x / Math.Sqrt(2.0)))),
        Activation.GELUTanh => (float)(0.5 * x * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * (double)x * x * x)))),
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>Applies <paramref name="a"/> to every element in place.</summary>
    public static void ApplyInPlace(Activation a, Span<float> x)
    {
        switch (a)
        {
            case Activation.None: return;
            case Activation.ReLU: TensorPrimitives.Max(x, 0f, x); return;
            case Activation.ReLU6: TensorPrimitives.Clamp(x, 0f, 6f, x); return;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(x, x); return;
            case Activation.GELU: Gelu.InPlace(x); return;
            case Activation.SiLU:
                for (int i = 0; i < x.Length; i++) x[i] = x[i] / (1f + MathF.Exp(-x[i]));
                return;
            default:
                for (int i = 0; i < x.Length; i++) x[i] = Apply(a, x[i]);
                return;
        }
    }

    /// <summary>erf(x) in double precision (W. J. Cody's rational approximations, |rel err| &lt; 1e-15).</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 0.5)
        {
            double t = x * x;
            double num = (((0.1857777061846031526730 * t + 3.161123743870565596947) * t + 113.8641541510501556495) * t + 377.4852376853020208137) * t + 3209.377589138469472562;
            double den = (((t + 23.60129095234412093499) * t + 244.0246379344441733056) * t + 1282.616526077372275645) * t + 2844.236833439170622273;
            return x * num / den;
        }
        double erfc;
        if (ax < 4.0)
        {
            double num = (((((((2.15311535474403846343e-8 * ax + 0.564188496988670089180) * ax + 8.88314979438837594118) * ax + 66.1191906371416294775) * ax + 298.635138197400131132) * ax + 881.952221241769090411) * ax + 1712.04761263407058314) * ax + 2051.07837782607146532) * ax + 1230.33935479799725272;
            double den = (((((((ax + 15.7449261107098347253) * ax + 117.693950891312499305) * ax + 537.181101862009857509) * ax + 1621.38957456669018874) * ax + 3290.79923573345962678) * ax + 4362.61909014324715820) * ax + 3439.36767414372163696) * ax + 1230.33935480374942043;
            erfc = Math.Exp(-ax * ax) * num / den;
        }
        else
        {
            double z = 1.0 / (ax * ax);
            double num = ((((0.0163153871373020978498 * z + 0.305326634961232344035) * z + 0.360344899949804439429) * z + 0.125781726111229246204) * z + 0.0160837851487422766278) * z + 6.58749161529837803157e-4;
            double den = ((((z + 2.56852019228982242072) * z + 1.87295284992346725209) * z + 0.527905102951428412248) * z + 0.0605183413124413191178) * z + 2.33520497626869185443e-3;
            const double invSqrtPi = 0.5641895835477562869;
            erfc = Math.Exp(-ax * ax) / ax * (invSqrtPi - z * num / den);
        }
        return x < 0 ? erfc - 1.0 : 1.0 - erfc;
    }
}
