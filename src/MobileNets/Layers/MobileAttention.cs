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
        MultiQueryAttention.RunAsProducts(queries, rows, _keyDim, keys, values, tokens, _valueDim, _scale, attended,
            scratch.Take(rows * tokens), scratch.Pack(0, tokens, _keyDim, _query.SimdWidth), scratch.Pack(1, _valueDim, tokens, _query.SimdWidth));
        _output.Forward(attended, shape with { Channels = _heads * _valueDim }, y, _residual ? x : default, scratch);
        scratch.Release(mark);
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
