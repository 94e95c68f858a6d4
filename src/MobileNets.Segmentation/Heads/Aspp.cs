using MobileNets.Architectures;
using MobileNets.Kernels;
using MobileNets.Layers;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Heads;

/// <summary>
/// Atrous spatial pyramid pooling (DeepLabV3 §3.3; torchvision segmentation/deeplabv3.py
/// <c>ASPP</c>): a 1x1 branch, one 3x3 branch per atrous rate (padding = dilation = rate), and an
/// image-pooling branch (global average, 1x1, upsampled from 1x1 — a constant map), each
/// conv + BN + ReLU; concatenated and projected by 1x1 conv + BN + ReLU (dropout is identity in eval).
/// </summary>
internal sealed class Aspp
{
    readonly Conv2d[] _branches;   // 1x1, then one per rate
    readonly Conv2d _pooling, _project;

    public int OutChannels => _project.OutChannels;

    Aspp(Conv2d[] branches, Conv2d pooling, Conv2d project) { _branches = branches; _pooling = pooling; _project = project; }

    /// <summary>deeplabv3.py <c>DeepLabHead</c>: rates 12, 24, 36.</summary>
    public static readonly int[] DeepLabRates = [12, 24, 36];

    public static Aspp Bind(WeightBinder binder, string name, int inChannels, int outChannels, IReadOnlyList<int> rates)
    {
        ConvSpec Conv(string conv, string norm, int cin, int k, int dilation = 1) => new(
            $"{name}.{conv}", cin, outChannels, k, Dilation: dilation, Padding: ConvSpec.TorchPadding(k, dilation),
            Norm: $"{name}.{norm}", Act: Activation.ReLU);
        var branches = new List<Conv2d> { binder.Conv(Conv("convs.0.0", "convs.0.1", inChannels, 1)) };
        for (int r = 0; r < rates.Count; r++)
            branches.Add(binder.Conv(Conv($"convs.{r + 1}.0", $"convs.{r + 1}.1", inChannels, 3, rates[r])));
        int pool = rates.Count + 1;
        var pooling = binder.Conv(Conv($"convs.{pool}.1", $"convs.{pool}.2", inChannels, 1));
        var project = binder.Conv(Conv("project.0", "project.1", (rates.Count + 2) * outChannels, 1));
        return new Aspp([.. branches], pooling, project);
    }

    public long MultiplyAccumulates(FeatureShape input) =>
        _branches.Sum(b => b.MultiplyAccumulates(input)) + _pooling.MultiplyAccumulates(new FeatureShape(1, 1, input.Channels))
        + _project.MultiplyAccumulates(new FeatureShape(input.Height, input.Width, (_branches.Length + 1) * OutChannels));

    public void Forward(ReadOnlySpan<float> x, FeatureShape shape, Span<float> y, Scratch scratch)
    {
        int mark = scratch.Mark;
        int width = OutChannels, parts = _branches.Length + 1, pixels = shape.Pixels;
        var concat = scratch.Take(pixels * parts * width);
        var branch = scratch.Take(pixels * width);
        for (int b = 0; b < _branches.Length; b++)
        {
            _branches[b].Forward(x, shape, branch, scratch);
            for (int p = 0; p < pixels; p++)
                branch.Slice(p * width, width).CopyTo(concat.Slice((p * parts + b) * width, width));
        }
        var pooled = scratch.Take(shape.Channels);
        GlobalAveragePool.Run(x, pixels, shape.Channels, pooled);
        var pooledOut = scratch.Take(width);
        _pooling.Forward(pooled, new FeatureShape(1, 1, shape.Channels), pooledOut, scratch);
        // Bilinear upsampling of a 1x1 map is the value itself at every pixel.
        for (int p = 0; p < pixels; p++) pooledOut.CopyTo(concat.Slice((p * parts + parts - 1) * width, width));
        _project.Forward(concat, new FeatureShape(shape.Height, shape.Width, parts * width), y, scratch);
        scratch.Release(mark);
    }
}
