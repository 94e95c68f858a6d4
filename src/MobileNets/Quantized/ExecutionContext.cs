namespace MobileNets.Quantized;

/// <summary>
/// The mutable state of one inference: a buffer per activation tensor (constants are shared,
/// read-only), per-operator scratch and the job object that hands an operator's parts to the
/// model's threads. Contexts are pooled by <see cref="TfLiteModel"/> so concurrent runs never share one.
/// </summary>
internal sealed class ExecutionContext
{
    /// <summary>Bytes allocated past every buffer so SIMD kernels may read a vector beyond the last element.</summary>
    public const int Slack = 64;

    readonly byte[]?[] _buffers;
    readonly GraphTensor[] _tensors;
    readonly byte[]?[] _scratch;
    readonly OperatorParallelism _parallelism;
    readonly PartJob _job = new();

    public ExecutionContext(GraphTensor[] tensors, int operatorCount, OperatorParallelism parallelism)
    {
        _tensors = tensors;
        _parallelism = parallelism;
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

    /// <inheritdoc cref="OperatorParallelism.Parts"/>
    public int Parts(long multiplyAccumulates, long minimum, int units) => _parallelism.Parts(multiplyAccumulates, minimum, units);

    /// <summary>Runs parts 0..parts-1 of <paramref name="op"/> on batch item <paramref name="batch"/>, across the model's threads when parts > 1.</summary>
    public void RunParts(IPartitionedOperator op, int batch, int parts)
    {
        if (parts <= 1) { op.RunPart(this, batch, 0, 1); return; }
        _job.Operator = op; _job.Context = this; _job.Batch = batch; _job.Parts = parts;
        try { _parallelism.Run(_job, parts); }
        finally { _job.Operator = null; _job.Context = null; }
    }
}
