using MobileNets.Kernels;

namespace MobileNets.Architectures.Torchvision;

/// <summary>torchvision <c>models/mobilenetv2.py</c>: the paper's Table 2 as (t, c, n, s) rows.</summary>
internal static class TorchvisionMobileNetV2
{
    readonly record struct Stage(int Expansion, int Channels, int Repeats, int Stride);

    static readonly Stage[] Table =
    [
        new(1, 16, 1, 1),
        new(6, 24, 2, 2),
        new(6, 32, 3, 2),
        new(6, 64, 4, 2),
        new(6, 96, 3, 1),
        new(6, 160, 3, 2),
        new(6, 320, 1, 1),
    ];

    public static NetworkSpec Build(string id, double width, int numClasses)
    {
        const Activation act = Activation.ReLU6;
        int inChannels = Channels.MakeDivisible(32 * width);
        int lastChannels = Channels.MakeDivisible(1280 * Math.Max(1.0, width));
        var layers = new List<LayerSpec>
        {
            new ConvBlockSpec(new ConvSpec("features.0.0", 3, inChannels, 3, Stride: 2, Padding: ConvSpec.TorchPadding(3), Norm: "features.0.1", Act: act)),
        };
        int index = 1;
        foreach (var stage in Table)
        {
            int outChannels = Channels.MakeDivisible(stage.Channels * width);
            for (int i = 0; i < stage.Repeats; i++, index++)
            {
                int stride = i == 0 ? stage.Stride : 1;
                int hidden = Channels.PyRound(inChannels * (double)stage.Expansion);
                string p = $"features.{index}.conv";
                int j = 0;
                ConvSpec? expand = null;
                if (stage.Expansion != 1)
                {
                    expand = new ConvSpec($"{p}.0.0", inChannels, hidden, 1, Norm: $"{p}.0.1", Act: act);
                    j = 1;
                }
                var depthwise = new ConvSpec($"{p}.{j}.0", hidden, hidden, 3, Stride: stride, Groups: hidden, Padding: ConvSpec.TorchPadding(3), Norm: $"{p}.{j}.1", Act: act);
                var project = new ConvSpec($"{p}.{j + 1}", hidden, outChannels, 1, Norm: $"{p}.{j + 2}");
                layers.Add(new InvertedResidualSpec(expand, depthwise, null, project, stride == 1 && inChannels == outChannels));
                inChannels = outChannels;
            }
        }
        layers.Add(new ConvBlockSpec(new ConvSpec($"features.{index}.0", inChannels, lastChannels, 1, Norm: $"features.{index}.1", Act: act)));
        layers.Add(new GlobalPoolSpec());
        layers.Add(new ConvBlockSpec(new ConvSpec("classifier.1", lastChannels, numClasses, 1, Bias: true, Linear: true)));
        return new NetworkSpec(id, width, numClasses, layers);
    }
}
