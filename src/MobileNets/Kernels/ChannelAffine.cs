using System.Numerics.Tensors;

namespace MobileNets.Kernels;

/// <summary>y = x * scale[c] + shift[c] on NHWC rows: an inference BatchNorm that no convolution absorbs.</summary>
internal static class ChannelAffine
{
    public static void Run(ReadOnlySpan<float> x, int pixels, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y)
    {
        int c = scale.Length;
        if (shift.Length != c || x.Length < pixels * c || y.Length < pixels * c) throw new ArgumentException("affine operand too small");
        for (int p = 0; p < pixels; p++)
            TensorPrimitives.MultiplyAdd(x.Slice(p * c, c), scale, shift, y.Slice(p * c, c));
    }
}
