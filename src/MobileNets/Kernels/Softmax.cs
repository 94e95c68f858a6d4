using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MobileNets.Kernels;

/// <summary>
/// Numerically stable softmax, as torch computes it: exp(x - max(x)) / sum. (TensorPrimitives.SoftMax
/// exponentiates without subtracting the maximum, which overflows on logits past ~88.)
/// </summary>
internal static class Softmax
{
    public static void InPlace(Span<float> x)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, x);
        TensorPrimitives.Exp(x, x);
        TensorPrimitives.Divide(x, TensorPrimitives.Sum(x), x);
    }

    /// <summary>
    /// softmax(scale * row) for each of <paramref name="rows"/> rows of <paramref name="columns"/> values
    /// (attention scores: 784 rows of 49 in MobileNetV4-Hybrid-Medium). <see cref="InPlace"/> per row
    /// is its twin; it makes five library calls per 49-value row, which cost more than the arithmetic.
    /// Here the scaling, maximum, shift, sum and division are vector loops over each row, and one exp
    /// call covers all rows.
    /// </summary>
    public static void Rows(Span<float> x, int rows, int columns, float scale, SimdWidth width)
    {
        if (rows <= 0 || columns <= 0) return;
        if ((long)rows * columns > x.Length) throw new ArgumentException("softmax rows exceed the span");
        var all = x[..(rows * columns)];
        switch (width)
        {
            case SimdWidth.V512: Rows<Simd512, Vector512<float>>(all, rows, columns, scale); break;
            case SimdWidth.V256: Rows<Simd256, Vector256<float>>(all, rows, columns, scale); break;
            case SimdWidth.V128: Rows<Simd128, Vector128<float>>(all, rows, columns, scale); break;
            default:
                TensorPrimitives.Multiply(all, scale, all);
                for (int r = 0; r < rows; r++) InPlace(all.Slice(r * columns, columns));
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Rows<TS, TV>(Span<float> all, int rows, int columns, float scale) where TS : ISimd<TV> where TV : struct
    {
        int lanes = TS.Lanes, whole = columns / lanes * lanes;
        float* spill = stackalloc float[lanes];
        var scaleVector = TS.Broadcast(scale);
        fixed (float* x = all)
        {
            for (int r = 0; r < rows; r++)
            {
                float* p = x + (long)r * columns;
                // Scale (the same product torch takes) and find the maximum; Max(m, v) lets a NaN in v through.
                float max = float.NegativeInfinity;
                if (whole > 0)
                {
                    var m = TS.Broadcast(float.NegativeInfinity);
                    for (int i = 0; i < whole; i += lanes)
                    {
                        var v = TS.Multiply(TS.Load(ref p[i]), scaleVector);
                        TS.Store(v, ref p[i]);
                        m = TS.Max(m, v);
                    }
                    TS.Store(m, ref *spill);
                    for (int j = 0; j < lanes; j++) max = MathF.Max(max, spill[j]);
                }
                for (int i = whole; i < columns; i++) { p[i] *= scale; max = MathF.Max(max, p[i]); }
                var shift = TS.Broadcast(max);
                for (int i = 0; i < whole; i += lanes) TS.Store(TS.Subtract(TS.Load(ref p[i]), shift), ref p[i]);
                for (int i = whole; i < columns; i++) p[i] -= max;
            }
        }
        TensorPrimitives.Exp(all, all);
        fixed (float* x = all)
        {
            for (int r = 0; r < rows; r++)
            {
                float* p = x + (long)r * columns;
                float sum = 0;
                if (whole > 0)
                {
                    var s = TS.Zero;
                    for (int i = 0; i < whole; i += lanes) s = TS.Add(s, TS.Load(ref p[i]));
                    TS.Store(s, ref *spill);
                    for (int j = 0; j < lanes; j++) sum += spill[j];
                }
                for (int i = whole; i < columns; i++) sum += p[i];
                var divisor = TS.Broadcast(sum);
                for (int i = 0; i < whole; i += lanes) TS.Store(TS.Divide(TS.Load(ref p[i]), divisor), ref p[i]);
                for (int i = whole; i < columns; i++) p[i] /= sum;
            }
        }
    }
}
