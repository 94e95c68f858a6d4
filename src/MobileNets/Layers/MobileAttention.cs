using MobileNets.Kernels;
using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// MobileNetV4's Mobile MQA block (timm <c>_efficientnet_blocks.MobileAttention</c> with
/// <c>layers/attention2d.MultiQueryAttention2d</c>): BatchNorm, then query heads from a 1x1
/// projection, one key and one value head from 1x1 projections of the (optionally strided-depthwise
/// downsampled) normalized map, multi-query attention, output 1x1 projection (layer scale folded in)
/// [+ input]. The norm stays a separate pass: the downsampling convolution zero-pads its normalized
/// input, so folding the norm into it would change the borders.
/// </summary>
internal sealed class MobileAttention : ILayer
{
    readonly float[] _normScale, _normShift;
    readonly Conv2d _query, _key, _value, _output;
    readonly Conv2d? _keyDownsample, _valueDownsample;
    readonly int _heads, _keyDim, _valueDim;
    readonly float _scale;
    readonly bool _residual;

    public MobileAttention(float[] normScale, float[] normShift, Conv2d query, Conv2d? keyDownsample, Conv2d key,
        Conv2d? valueDownsample, Conv2d value, Conv2d output, int heads, int keyDim, int valueDim, bool residual)
    {
        _normScale = normScale; _normShift = normShift;
        _query = query; _keyDownsample = keyDownsample; _key = key; _valueDownsample = valueDownsample; _value = value; _output = output;
        _heads = heads; _keyDim = keyDim; _valueDim = valueDim; _residual = residual;
        _scale = (float)(1.0 / Math.Sqrt(keyDim));   // timm: key_dim ** -0.5
    }

    public FeatureShape OutputShape(FeatureShape input) => _output.OutputShape(input with { Channels = _heads * _valueDim });

    FeatureShape KeyShape(FeatureShape input) => _keyDownsample?.OutputShape(input) ?? input;

    public long MultiplyAccumulates(FeatureShape input)
    {
        var kv = KeyShape(input);
        long macs = _query.MultiplyAccumulates(input) + _key.MultiplyAccumulates(kv) + _value.MultiplyAccumulates(kv);
        if (_keyDownsample != null) macs += _keyDownsample.MultiplyAccumulates(input) + _valueDownsample!.MultiplyAccumulates(input);
        long attention = (long)input.Pixels * _heads * kv.Pixels * (_keyDim + _valueDim);
        return macs + attention + _output.MultiplyAccumulates(input with { Channels = _heads * _valueDim });
    }

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch)
    {
        int mark = scratch.Mark;
        var normalized = scratch.Take(shape.Size);
        ChannelAffine.Run(x, shape.Pixels, _normScale, _normShift, normalized);

        var queries = Project(_query, normalized, shape, scratch);
        var keyInput = Downsample(_keyDownsample, normalized, shape, scratch, out var keyShape);
        var keys = Project(_key, keyInput, keyShape, scratch);
        var valueInput = Downsample(_valueDownsample, normalized, shape, scratch, out _);
        var values = Project(_value, valueInput, keyShape, scratch);

        var attended = scratch.Take(shape.Pixels * _heads * _valueDim);
        int rows = shape.Pixels * _heads, tokens = keyShape.Pixels;
        var packedKeys = scratch.Pack(0, tokens, _keyDim, _query.SimdWidth);
        var packedValues = scratch.Pack(1, _valueDim, tokens, _query.SimdWidth);
        MultiQueryAttention.PackKeysAndValues(keys, values, tokens, _keyDim, _valueDim, packedKeys, packedValues);
        RunRows(queries, rows, tokens, attended, scratch.Take(rows * tokens), packedKeys, packedValues, scratch);
        _output.Forward(attended, shape with { Channels = _heads * _valueDim }, y, _residual ? x : default, scratch);
        scratch.Release(mark);
    }

    /// <summary>The query rows, split among the scratch's threads (rows are independent).</summary>
    unsafe void RunRows(Span<float> queries, int rows, int tokens, Span<float> attended, Span<float> scores,
        Kernels.PackedGemmWeights packedKeys, Kernels.PackedGemmWeights packedValues, Scratch scratch)
    {
        long macs = (long)rows * tokens * (_keyDim + _valueDim);
        int tasks = scratch.Threads > 1 && macs >= 100_000 ? scratch.Threads : 1;
        fixed (float* q = queries, o = attended, s = scores)
        {
            var job = scratch.AttentionJob;
            job.Layer = this; job.Queries = q; job.Output = o; job.Scores = s; job.Rows = rows; job.Tokens = tokens; job.Tasks = tasks;
            job.PackedKeys = packedKeys; job.PackedValues = packedValues;
            scratch.Run(job, tasks);
            job.Layer = null; job.PackedKeys = job.PackedValues = null;
        }
    }

    internal unsafe void ExecuteTask(AttentionJob job, int task)
    {
        var (r0, r1) = Threading.WorkSplit.Range(job.Rows, job.Tasks, task, 6);
        MultiQueryAttention.ProductRows(new ReadOnlySpan<float>(job.Queries, job.Rows * _keyDim), r0, r1, _keyDim, job.Tokens, _valueDim, _scale,
            new Span<float>(job.Output, job.Rows * _valueDim), new Span<float>(job.Scores, job.Rows * job.Tokens), job.PackedKeys!, job.PackedValues!);
    }

    static Span<float> Project(Conv2d conv, ReadOnlySpan<float> x, FeatureShape s, Scratch scratch)
    {
        var y = scratch.Take(conv.OutputShape(s).Size);
        conv.Forward(x, s, y, scratch);
        return y;
    }

    static ReadOnlySpan<float> Downsample(Conv2d? conv, ReadOnlySpan<float> x, FeatureShape s, Scratch scratch, out FeatureShape shape)
    {
        shape = conv?.OutputShape(s) ?? s;
        return conv == null ? x : Project(conv, x, s, scratch);
    }
}

/// <summary>An attention layer's parallel job, reused per inference (held by its <see cref="Scratch"/>): pointers into pinned buffers.</summary>
internal sealed unsafe class AttentionJob : Threading.IParallelWork
{
    public MobileAttention? Layer;
    public float* Queries, Output, Scores;
    public int Rows, Tokens, Tasks;
    public Kernels.PackedGemmWeights? PackedKeys, PackedValues;

    public void Execute(int index) => Layer!.ExecuteTask(this, index);
}
