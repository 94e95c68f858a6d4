using System.Numerics;

namespace MobileNets.Kernels;

/// <summary>
/// Exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), over a span, <see cref="Vector{T}"/> of doubles at a
/// time: the same double-precision erf as the scalar definition (<see cref="Activations.Erf"/>, W. J. Cody's
/// three rational approximations, here all computed and blended per lane). Its scalar twin is
/// <see cref="Activations.Apply"/>; the per-element double erf alone was half of MobileNetV4-hybrid-large.
/// </summary>
internal static class Gelu
{
    public static void InPlace(Span<float> x)
    {
        int step = Vector<float>.Count, i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= x.Length - step; i += step)
            {
                Vector.Widen(new Vector<float>(x.Slice(i, step)), out var low, out var high);
                Vector.Narrow(Apply(low), Apply(high)).CopyTo(x.Slice(i, step));
            }
        for (; i < x.Length; i++) x[i] = Activations.Apply(Activation.GELU, x[i]);
    }

    static Vector<double> Apply(Vector<double> x) => new Vector<double>(0.5) * x * (Vector<double>.One + Erf(x / Math.Sqrt(2.0)));

    static Vector<double> C(double value) => new(value);

    /// <summary><see cref="Activations.Erf"/> lane-wise, coefficients identical.</summary>
    static Vector<double> Erf(Vector<double> x)
    {
        var ax = Vector.Abs(x);

        // |x| < 0.5: erf directly.
        var t = x * x;
        var smallNum = (((C(0.1857777061846031526730) * t + C(3.161123743870565596947)) * t + C(113.8641541510501556495)) * t + C(377.4852376853020208137)) * t + C(3209.377589138469472562);
        var smallDen = (((t + C(23.60129095234412093499)) * t + C(244.0246379344441733056)) * t + C(1282.616526077372275645)) * t + C(2844.236833439170622273);
        var small = x * smallNum / smallDen;

        // 0.5 <= |x| < 4: erfc.
        var expTerm = Vector.Exp(-ax * ax);
        var midNum = (((((((C(2.15311535474403846343e-8) * ax + C(0.564188496988670089180)) * ax + C(8.88314979438837594118)) * ax + C(66.1191906371416294775)) * ax + C(298.635138197400131132)) * ax + C(881.952221241769090411)) * ax + C(1712.04761263407058314)) * ax + C(2051.07837782607146532)) * ax + C(1230.33935479799725272);
        var midDen = (((((((ax + C(15.7449261107098347253)) * ax + C(117.693950891312499305)) * ax + C(537.181101862009857509)) * ax + C(1621.38957456669018874)) * ax + C(3290.79923573345962678)) * ax + C(4362.61909014324715820)) * ax + C(3439.36767414372163696)) * ax + C(1230.33935480374942043);
        var midErfc = expTerm * midNum / midDen;

        // |x| >= 4: asymptotic erfc.
        var z = Vector<double>.One / (ax * ax);
        var largeNum = ((((C(0.0163153871373020978498) * z + C(0.305326634961232344035)) * z + C(0.360344899949804439429)) * z + C(0.125781726111229246204)) * z + C(0.0160837851487422766278)) * z + C(6.58749161529837803157e-4);
        var largeDen = ((((z + C(2.56852019228982242072)) * z + C(1.87295284992346725209)) * z + C(0.527905102951428412248)) * z + C(0.0605183413124413191178)) * z + C(2.33520497626869185443e-3);
        var largeErfc = expTerm / ax * (C(0.5641895835477562869) - z * largeNum / largeDen);

        var erfc = Vector.ConditionalSelect(Vector.LessThan(ax, C(4.0)), midErfc, largeErfc);
        var erf = Vector.ConditionalSelect(Vector.LessThan(x, Vector<double>.Zero), erfc - Vector<double>.One, Vector<double>.One - erfc);
        return Vector.ConditionalSelect(Vector.LessThan(ax, C(0.5)), small, erf);
    }
}
