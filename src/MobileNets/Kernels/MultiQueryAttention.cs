using System.Numerics.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// Multi-query attention on NHWC rows (timm <c>layers/attention2d.py: MultiQueryAttention2d</c>,
/// non-fused path): every query row r (one pixel's one head, <c>keyDim</c> values) attends over the
/// <c>keys</c> rows of the single shared key head, o[r] = sum_m softmax_m(scale * q[r]·k[m]) v[m].
/// A pixel's heads are adjacent rows, so q [pixels, heads * keyDim] and o [pixels, heads * valueDim]
/// are read and written in place, in the channel order timm's reshapes produce (head-major).
/// </summary>
internal static class MultiQueryAttention
{
    /// <param name="logits">Scratch of at least <paramref name="keys"/> values.</param>
    public static void Run(ReadOnlySpan<float> q, int rows, int keyDim, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int keys, int valueDim,
        float scale, Span<float> o, Span<float> logits)
    {
        if (q.Length < rows * keyDim || k.Length < keys * keyDim || v.Length < keys * valueDim || o.Length < rows * valueDim || logits.Length < keys)
            throw new ArgumentException("attention operand too small");
        var p = logits[..keys];
        for (int r = 0; r < rows; r++)
        {
            var query = q.Slice(r * keyDim, keyDim);
            for (int m = 0; m < keys; m++) p[m] = TensorPrimitives.Dot(query, k.Slice(m * keyDim, keyDim)) * scale;
            Softmax.InPlace(p);
            var output = o.Slice(r * valueDim, valueDim);
            output.Clear();
            for (int m = 0; m < keys; m++) TensorPrimitives.MultiplyAdd(v.Slice(m * valueDim, valueDim), p[m], output, output);
        }
    }
}
