using MobileNets.Architectures;
using MobileNets.Architectures.Torchvision;

namespace MobileNets.Segmentation.Backbone;

/// <summary>
/// The backbone both segmentation models share: MobileNetV3-Large with <c>dilated=True</c> (the last
/// stage's stride replaced by dilation 2, output stride 16), held by torchvision's
/// <c>IntermediateLayerGetter</c> as <c>backbone.N</c>, and tapped at C2 (<c>stage_indices[-4]</c>,
/// output stride 8: LR-ASPP's "low", DeepLabV3's "aux") and at the last layer (C5: "high" / "out").
/// </summary>
/// <param name="Network">features.0 .. features.16 named <c>backbone.N</c>.</param>
/// <param name="LowTap">Index of the C2 layer.</param>
internal sealed record DilatedBackboneSpec(NetworkSpec Network, int LowTap)
{
    public const string Prefix = "backbone.";

    public int LowChannels => MobileNetV3Stages.OutChannels(Network.Layers, LowTap);
    public int HighChannels => MobileNetV3Stages.OutChannels(Network.Layers, Network.Layers.Count - 1);

    public static DilatedBackboneSpec Build(string architecture, double width)
    {
        var features = TorchvisionMobileNetV3.Features(width, small: false, dilated: true);
        var renamed = features.Select(l => SpecRenaming.Rename(l, SpecRenaming.Prefix("features.", Prefix))).ToList();
        return new DilatedBackboneSpec(new NetworkSpec(architecture, width, 0, renamed), MobileNetV3Stages.StageIndices(width)[^4]);
    }

    /// <summary>Stage lengths that end one stage at the C2 tap and the other at the last layer.</summary>
    public int[] TappedAtLowAndHigh => [LowTap + 1, Network.Layers.Count - LowTap - 1];
}
