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

    /// <summary>
    /// The same attention as whole-matrix products on the GEMM kernel: scores = Q K^T (all query rows
    /// at once), scaled, softmax per row, then O = P V. A dot product per (query, key) pair through
    /// TensorPrimitives cost a call per 64 values; this is 4-5x faster at MobileNetV4's sizes.
    /// </summary>
    /// <param name="scores">Scratch of at least <paramref name="rows"/> x <paramref name="keys"/> values.</param>
    /// <param name="packedKeys">Reusable panels of <paramref name="keys"/> x <paramref name="keyDim"/> (N x K).</param>
    /// <param name="packedValues">Reusable panels of <paramref name="valueDim"/> x <paramref name="keys"/> (N x K).</param>
    public static void RunAsProducts(ReadOnlySpan<float> q, int rows, int keyDim, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int keys, int valueDim,
        float scale, Span<float> o, Span<float> scores, PackedGemmWeights packedKeys, PackedGemmWeights packedValues)
    {
        PackKeysAndValues(k, v, keys, keyDim, valueDim, packedKeys, packedValues);
        ProductRows(q, 0, rows, keyDim, keys, valueDim, scale, o, scores, packedKeys, packedValues);
    }

    /// <summary>Packs the shared key and value heads once per inference, before any query rows run.</summary>
    public static void PackKeysAndValues(ReadOnlySpan<float> k, ReadOnlySpan<float> v, int keys, int keyDim, int valueDim,
        PackedGemmWeights packedKeys, PackedGemmWeights packedValues)
    {
        if (k.Length < keys * keyDim || v.Length < keys * valueDim) throw new ArgumentException("attention operand too small");
        packedKeys.Fill(k[..(keys * keyDim)], transposed: false);
        packedValues.Fill(v[..(keys * valueDim)], transposed: true);
    }

    /// <summary>
    /// Query rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) against the packed keys and
    /// values: rows are independent, so threads take ranges of them. <paramref name="q"/>,
    /// <paramref name="o"/> and <paramref name="scores"/> hold all rows.
    /// </summary>
    public static void ProductRows(ReadOnlySpan<float> q, int rowStart, int rowEnd, int keyDim, int keys, int valueDim, float scale,
        Span<float> o, Span<float> scores, PackedGemmWeights packedKeys, PackedGemmWeights packedValues)
    {
        int rows = rowEnd - rowStart;
        if (rows <= 0) return;
        if (rowStart < 0 || q.Length < rowEnd * keyDim || o.Length < rowEnd * valueDim || scores.Length < rowEnd * keys)
            throw new ArgumentException("attention operand too small");
        var s = scores.Slice(rowStart * keys, rows * keys);
        Gemm.Run(packedKeys, q.Slice(rowStart * keyDim, rows * keyDim), rows, keyDim, s, keys, Activation.None);
        Softmax.Rows(s, rows, keys, scale, packedKeys.Width);
        Gemm.Run(packedValues, s, rows, keys, o.Slice(rowStart * valueDim, rows * valueDim), valueDim, Activation.None);
    }
}
