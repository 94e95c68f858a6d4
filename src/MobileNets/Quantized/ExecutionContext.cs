namespace MobileNets.Quantized;

/// <summary>
/// The mutable state of one inference: a buffer per activation tensor (constants are shared,
/// read-only) and per-operator scratch. Contexts are pooled by <see cref="TfLiteModel"/> so
/// concurrent runs never share one.
/// </summary>
internal sealed class ExecutionContext
{
    /// <summary>Bytes allocated past every buffer so SIMD kernels may read a vector beyond the last element.</summary>
    public const int Slack = 64;

    readonly byte[]?[] _buffers;
    readonly GraphTensor[] _tensors;
    readonly byte[]?[] _scratch;

    public ExecutionContext(GraphTensor[] tensors, int operatorCount)
    {
        _tensors = tensors;
        _buffers = new byte[tensors.Length][];
        _scratch = new byte[operatorCount][];
    }

    /// <summary>The whole backing array of a tensor (its data then <see cref="Slack"/> bytes).</summary>
    public byte[] Array(GraphTensor t)
    {
        if (t.Constant != null) return t.Constant;
        return _buffers[t.Index] ??= new byte[t.ByteLength + Slack];
    }

    public Span<byte> Data(GraphTensor t) => Array(t).AsSpan(0, t.ByteLength);

    /// <summary>Scratch memory of an operator, grown on demand and kept for the next run.</summary>
    public byte[] Scratch(int operatorIndex, int bytes)
    {
        var s = _scratch[operatorIndex];
        if (s == null || s.Length < bytes + Slack) _scratch[operatorIndex] = s = new byte[bytes + Slack];
        return s;
    }
}
