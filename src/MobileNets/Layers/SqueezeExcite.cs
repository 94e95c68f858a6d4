using System.Numerics.Tensors;
using MobileNets.Kernels;
using MobileNets.Tensors;

namespace MobileNets.Layers;

/// <summary>
/// Squeeze-and-excitation (MobileNetV3 §5.3): global average pool, reduce 1x1 conv + activation,
/// expand 1x1 conv + gate, channel-wise scale. Covers torchvision's fc1/fc2 and timm's
/// conv_reduce/conv_expand; the gate is the expand convolution's activation.
/// </summary>
internal sealed class SqueezeExcite
{
    readonly Conv2d _reduce, _expand;

    public SqueezeExcite(Conv2d reduce, Conv2d expand) { _reduce = reduce; _expand = expand; }

    public long MultiplyAccumulates(FeatureShape s) =>
        _reduce.MultiplyAccumulates(new FeatureShape(1, 1, s.Channels)) + _expand.MultiplyAccumulates(new FeatureShape(1, 1, _reduce.OutChannels));

    /// <summary>Scales <paramref name="x"/> in place.</summary>
    public void Apply(Span<float> x, FeatureShape s, Scratch scratch)
    {
        int mark = scratch.Mark;
        var pooled = scratch.Take(s.Channels);
        var reduced = scratch.Take(_reduce.OutChannels);
        var gate = scratch.Take(s.Channels);
        GlobalAveragePool.Run(x, s.Pixels, s.Channels, pooled);
        _reduce.Forward(pooled, new FeatureShape(1, 1, s.Channels), reduced, scratch);
        _expand.Forward(reduced, new FeatureShape(1, 1, _reduce.OutChannels), gate, scratch);
        ChannelRows.Scale(x, s.Pixels, s.Channels, gate);
        scratch.Release(mark);
    }
}
