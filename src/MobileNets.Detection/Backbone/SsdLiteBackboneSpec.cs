using MobileNets.Architectures;
using MobileNets.Architectures.Torchvision;
using MobileNets.Kernels;

namespace MobileNets.Detection.Backbone;

/// <summary>
/// The feature extractor of torchvision's <c>ssdlite320_mobilenet_v3_large</c> (ssdlite.py
/// <c>SSDLiteFeatureExtractorMobileNet</c>, MobileNetV3 paper §6.3): MobileNetV3-Large with the
/// reduced tail, cut inside the C4 block right after its expansion conv, followed by four extra
/// blocks. Six stages, each one's output a feature map the heads read.
/// </summary>
/// <param name="Network">Every layer in execution order, with the weight file's tensor names.</param>
/// <param name="StageLengths">How many of <see cref="NetworkSpec.Layers"/> each stage takes.</param>
/// <param name="OutChannels">Channels of each stage's output (the head inputs).</param>
internal sealed record SsdLiteBackboneSpec(NetworkSpec Network, int[] StageLengths, int[] OutChannels)
{
    public const string Prefix = "backbone.";

    /// <summary>Extra-block depths before <c>get_depth</c> (ssdlite.py: 512, 256, 256, 128; width_mult 1, min_depth 16).</summary>
    static readonly int[] ExtraDepths = [512, 256, 256, 128];

    public static SsdLiteBackboneSpec Build(double width)
    {
        var features = TorchvisionMobileNetV3.Features(width, small: false, reducedTail: true);
        int c4 = MobileNetV3Stages.StageIndices(width)[^2];
        var block = (InvertedResidualSpec)features[c4];
        if (block.Residual || block.Expand == null) throw new InvalidOperationException("the C4 block must expand and have no residual");
        var rename = RenameFeature(c4);

        // features.0: features[:c4] and the C4 expansion; features.1: the rest of C4, then features[c4+1:].
        var stage0 = features.Take(c4).Append(new ConvBlockSpec(block.Expand)).ToList();
        var stage1 = new List<LayerSpec> { block with { Expand = null } };
        stage1.AddRange(features.Skip(c4 + 1));
        var stages = new List<List<LayerSpec>>
        {
            stage0.Select(l => SpecRenaming.Rename(l, rename)).ToList(),
            stage1.Select(l => SpecRenaming.Rename(l, rename)).ToList(),
        };
        var channels = new List<int> { block.Expand.Out, MobileNetV3Stages.OutChannels(features, features.Count - 1) };
        for (int k = 0; k < ExtraDepths.Length; k++)
        {
            int depth = Math.Max(16, ExtraDepths[k]);
            stages.Add(ExtraBlock($"{Prefix}extra.{k}", channels[^1], depth));
            channels.Add(depth);
        }
        var network = new NetworkSpec("ssdlite320_mobilenet_v3_large", width, 0, stages.SelectMany(s => s).ToList());
        return new SsdLiteBackboneSpec(network, stages.Select(s => s.Count).ToArray(), [.. channels]);
    }

    /// <summary>ssdlite.py <c>_extra_block</c>: 1x1 to half depth, 3x3 depthwise stride 2, 1x1 to depth; BN(eps 0.001) + ReLU6 each.</summary>
    static List<LayerSpec> ExtraBlock(string name, int inChannels, int depth)
    {
        int mid = depth / 2;
        ConvSpec Conv(int i, int cin, int cout, int k, int stride, int groups) => new(
            $"{name}.{i}.0", cin, cout, k, Stride: stride, Groups: groups, Padding: ConvSpec.TorchPadding(k),
            Norm: $"{name}.{i}.1", NormEps: TorchvisionMobileNetV3.BatchNormEps, Act: Activation.ReLU6);
        return
        [
            new ConvBlockSpec(Conv(0, inChannels, mid, 1, 1, 1)),
            new ConvBlockSpec(Conv(1, mid, mid, 3, 2, mid)),
            new ConvBlockSpec(Conv(2, mid, depth, 1, 1, 1)),
        ];
    }

    /// <summary>
    /// Classifier names to the extractor's: <c>features.i</c> becomes <c>backbone.features.0.i</c>
    /// before C4; C4's <c>block.0</c> becomes <c>backbone.features.0.{c4}</c> and its <c>block.j</c>
    /// <c>backbone.features.1.0.j</c> (a slice of nn.Sequential keeps its keys); later blocks
    /// <c>backbone.features.1.{i - c4}</c>.
    /// </summary>
    static Func<string, string> RenameFeature(int c4) => name =>
    {
        var parts = name.Split('.');
        if (parts.Length < 3 || parts[0] != "features" || !int.TryParse(parts[1], out int i))
            throw new InvalidOperationException($"unexpected backbone tensor name '{name}'");
        string rest = string.Join('.', parts[2..]);
        if (i < c4) return $"{Prefix}features.0.{i}.{rest}";
        if (i > c4) return $"{Prefix}features.1.{i - c4}.{rest}";
        if (parts[2] != "block" || parts.Length < 5) throw new InvalidOperationException($"unexpected C4 tensor name '{name}'");
        string inner = string.Join('.', parts[4..]);
        return parts[3] == "0" ? $"{Prefix}features.0.{c4}.{inner}" : $"{Prefix}features.1.0.{parts[3]}.{inner}";
    };
}
