namespace MobileNets.Layers;

/// <summary>
/// What a <see cref="LayerSequence"/> runs in place of its layers: a plain k x k convolution block (a
/// stem, timm's 'cn') followed by convolutions that end in a 1x1 projection, with no skip over the
/// boundary, becomes one <see cref="Bottleneck"/>, which runs them a band of rows at a time when the
/// map between them is larger than an L2 cache. The stem's 112x112x32 output (1.6 MB) then never
/// goes out to memory and back. Same convolutions, same arithmetic; the layers stay as they are
/// for anything that walks them (profiles, taps).
/// </summary>
internal static class LayerFusion
{
    public static ILayer[] Fuse(IReadOnlyList<ILayer> layers)
    {
        var steps = new List<ILayer>(layers.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is ConvBlock { HasResidual: false } head && IsSpatial(head.Conv))
            {
                var next = i + 1 < layers.Count ? layers[i + 1] : null;
                var after = i + 2 < layers.Count ? layers[i + 2] : null;
                // stem -> k x k 'cn' -> 1x1 'cn' (MobileNetV4-Conv-Small's first stage)
                if (next is ConvBlock { HasResidual: false } middle && IsSpatial(middle.Conv)
                    && after is ConvBlock { HasResidual: false } last && last.Conv.IsPointwise)
                {
                    steps.Add(new InvertedResidual(head.Conv, middle.Conv, null, last.Conv, residual: false));
                    i += 2;
                    continue;
                }
                // stem -> depthwise-separable block (V1, V2) or fused 'er' block (MobileNetV4-Hybrid)
                if (next is InvertedResidual { HasResidual: false } block && block.Core.SqueezeExcite == null)
                {
                    var core = block.Core;
                    var spatial = core.Expand == null ? core.Depthwise : core.Depthwise == null ? core.Expand : null;
                    if (spatial != null && IsSpatial(spatial))
                    {
                        steps.Add(new InvertedResidual(head.Conv, spatial, null, core.Project, residual: false));
                        i += 1;
                        continue;
                    }
                }
            }
            steps.Add(layers[i]);
        }
        return steps.ToArray();
    }

    static bool IsSpatial(Conv2d conv) => !conv.IsPointwise && conv.IsBandable;
}
