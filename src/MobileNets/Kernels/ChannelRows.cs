using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MobileNets.Kernels;

/// <summary>
/// Per-channel operations over the pixel rows of an NHWC map (SE's pooling and gating). One call per
/// pixel into TensorPrimitives costs more than the work when a row holds 16-96 channels, so these
/// loop over the rows themselves with <see cref="Vector{T}"/> (the portable width) and a scalar tail.
/// </summary>
internal static class ChannelRows
{
    /// <summary>sum[c] = sum over pixels of x[p, c].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum(ReadOnlySpan<float> x, int pixels, int channels, Span<float> sum)
    {
        if (x.Length < pixels * channels || sum.Length < channels) throw new ArgumentException("channel rows too small");
        sum[..channels].Clear();
        int lanes = Vector<float>.Count, vectorEnd = channels - channels % lanes;
        ref float s0 = ref MemoryMarshal.GetReference(sum);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        for (int p = 0; p < pixels; p++)
        {
            ref float row = ref Unsafe.Add(ref x0, p * channels);
            int c = 0;
            for (; c < vectorEnd; c += lanes)
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref Unsafe.Add(ref s0, c)) + Vector.LoadUnsafe(ref Unsafe.Add(ref row, c)), ref Unsafe.Add(ref s0, c));
            for (; c < channels; c++) Unsafe.Add(ref s0, c) += Unsafe.Add(ref row, c);
        }
    }

    /// <summary>x[p, c] *= scale[c] for every pixel, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> x, int pixels, int channels, ReadOnlySpan<float> scale)
    {
        if (x.Length < pixels * channels || scale.Length < channels) throw new ArgumentException("channel rows too small");
        int lanes = Vector<float>.Count, vectorEnd = channels - channels % lanes;
        ref float g0 = ref MemoryMarshal.GetReference(scale);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        for (int p = 0; p < pixels; p++)
        {
            ref float row = ref Unsafe.Add(ref x0, p * channels);
            int c = 0;
            for (; c < vectorEnd; c += lanes)
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref Unsafe.Add(ref row, c)) * Vector.LoadUnsafe(ref Unsafe.Add(ref g0, c)), ref Unsafe.Add(ref row, c));
            for (; c < channels; c++) Unsafe.Add(ref row, c) *= Unsafe.Add(ref g0, c);
        }
    }
}
