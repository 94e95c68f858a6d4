using MobileNets.Kernels;
using MobileNets.Layers;

namespace MobileNets.Architectures;

/// <summary>
/// One convolution as the weight file names it: <c>{Name}.weight</c> [Out, In/Groups, K, K] (or [Out, In]
/// when <see cref="Linear"/>), <c>{Name}.bias</c> when <see cref="Bias"/>, and BatchNorm tensors under
/// <see cref="Norm"/> (folded into the convolution at load). <see cref="Scale"/> names a per-output
/// multiplier applied after the norm (timm LayerScale2d <c>gamma</c>, only on linear convolutions: folded
/// too). With <see cref="AntiAlias"/> the convolution runs at stride 1 and a fixed pool after the
/// activation takes the <see cref="Stride"/> (timm ConvNormAct with <c>aa_layer</c>).
/// </summary>
internal sealed record ConvSpec(
    string Name, int In, int Out, int Kernel,
    int Stride = 1, int Dilation = 1, int Groups = 1,
    Padding Padding = default,
    bool Bias = false, string? Norm = null, double NormEps = 1e-5,
    Activation Act = Activation.None, bool Linear = false,
    string? Scale = null, AntiAlias AntiAlias = AntiAlias.None)
{
    /// <summary>PyTorch padding that keeps the size at stride 1: (k - 1) / 2 * dilation.</summary>
    public static Padding TorchPadding(int kernel, int dilation = 1) => Padding.Symmetric((kernel - 1) / 2 * dilation);

    public int[] WeightShape => Linear ? [Out, In] : [Out, In / Groups, Kernel, Kernel];
}

/// <summary>The resolved network, block by block, with every channel count already rounded.</summary>
internal abstract record LayerSpec;

internal sealed record ConvBlockSpec(ConvSpec Conv, bool Residual = false) : LayerSpec;

internal sealed record SqueezeExciteSpec(ConvSpec Reduce, ConvSpec Expand);

internal sealed record InvertedResidualSpec(ConvSpec? Expand, ConvSpec? Depthwise, SqueezeExciteSpec? Se, ConvSpec Project, bool Residual) : LayerSpec;

internal sealed record GlobalPoolSpec : LayerSpec;

/// <summary>A BatchNorm of its own (not after a convolution): <c>{Name}.weight/bias/running_mean/running_var</c>.</summary>
internal sealed record NormSpec(string Name, int Channels, double Eps = 1e-5);

/// <summary>
/// MobileNetV4's universal inverted bottleneck (timm <c>UniversalInvertedResidual</c>): [start depthwise]
/// -> expand 1x1 -> [middle depthwise] -> project 1x1 -> [end depthwise] [+ input]; the layer scale
/// rides on the last convolution's <see cref="ConvSpec.Scale"/>.
/// </summary>
internal sealed record UniversalInvertedResidualSpec(
    ConvSpec? StartDepthwise, ConvSpec Expand, ConvSpec? MiddleDepthwise, ConvSpec Project, ConvSpec? EndDepthwise, bool Residual) : LayerSpec;

/// <summary>
/// MobileNetV4's Mobile MQA block (timm <c>MobileAttention</c> + <c>MultiQueryAttention2d</c>): norm, then
/// <see cref="Heads"/> query heads against one shared key/value head (optionally downsampled by a
/// strided depthwise convolution + BN), output projection (layer scale on its <see cref="ConvSpec.Scale"/>) [+ input].
/// </summary>
internal sealed record MobileAttentionSpec(
    NormSpec Norm, ConvSpec Query, ConvSpec? KeyDownsample, ConvSpec Key, ConvSpec? ValueDownsample, ConvSpec Value,
    ConvSpec Output, int Heads, int KeyDim, int ValueDim, bool Residual) : LayerSpec;

/// <summary>An architecture at one width and class count, ready to bind weights to.</summary>
internal sealed record NetworkSpec(string Architecture, double Width, int NumClasses, IReadOnlyList<LayerSpec> Layers)
{
    /// <summary>Every convolution in execution order.</summary>
    public IEnumerable<ConvSpec> Convolutions()
    {
        foreach (var layer in Layers)
            switch (layer)
            {
                case ConvBlockSpec c: yield return c.Conv; break;
                case InvertedResidualSpec ir:
                    if (ir.Expand != null) yield return ir.Expand;
                    if (ir.Depthwise != null) yield return ir.Depthwise;
                    if (ir.Se != null) { yield return ir.Se.Reduce; yield return ir.Se.Expand; }
                    yield return ir.Project;
                    break;
                case UniversalInvertedResidualSpec u:
                    foreach (var c in new[] { u.StartDepthwise, u.Expand, u.MiddleDepthwise, u.Project, u.EndDepthwise })
                        if (c != null) yield return c;
                    break;
                case MobileAttentionSpec m:
                    foreach (var c in new[] { m.Query, m.KeyDownsample, m.Key, m.ValueDownsample, m.Value, m.Output })
                        if (c != null) yield return c;
                    break;
            }
    }

    /// <summary>Every BatchNorm that is not folded into a convolution, in execution order.</summary>
    public IEnumerable<NormSpec> Norms() => Layers.OfType<MobileAttentionSpec>().Select(m => m.Norm);
}
