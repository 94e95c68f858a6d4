using MobileNets.Kernels;

namespace MobileNets.Architectures.Timm;

/// <summary>MobileNetV4's block kinds (timm <c>_efficientnet_blocks.py</c>): 'uir' and 'mqa'.</summary>
internal sealed partial class TimmBuilder
{
    /// <summary>
    /// UniversalInvertedResidual: the start depthwise takes the stride only when there is no middle
    /// one, the end depthwise only when there is neither; start and end depthwise have no activation.
    /// </summary>
    UniversalInvertedResidualSpec UniversalInvertedResidual(string name, BlockArgs a, int inC, int outC, int stride, Activation act)
    {
        int mid = Channels.MakeDivisible(inC * a.Expansion);
        ConvSpec? start = a.StartKernel > 0
            ? Conv($"{name}.dw_start.conv", inC, inC, a.StartKernel, $"{name}.dw_start.bn", Activation.None, a.Kernel > 0 ? 1 : stride, groups: inC, antiAliased: true)
            : null;
        var expand = Conv($"{name}.pw_exp.conv", inC, mid, 1, $"{name}.pw_exp.bn", act);
        ConvSpec? middle = a.Kernel > 0
            ? Conv($"{name}.dw_mid.conv", mid, mid, a.Kernel, $"{name}.dw_mid.bn", act, stride, groups: mid, antiAliased: true)
            : null;
        var project = Conv($"{name}.pw_proj.conv", mid, outC, 1, $"{name}.pw_proj.bn", Activation.None);
        ConvSpec? end = a.EndKernel > 0
            ? Conv($"{name}.dw_end.conv", outC, outC, a.EndKernel, $"{name}.dw_end.bn", Activation.None, start == null && middle == null ? stride : 1, groups: outC)
            : null;
        if (end != null) end = WithLayerScale(name, end);
        else project = WithLayerScale(name, project);
        return new UniversalInvertedResidualSpec(start, expand, middle, project, end, stride == 1 && inC == outC && !a.NoSkip);
    }

    /// <summary>
    /// MobileAttention with MultiQueryAttention2d: 'h' query heads of key dim 'd', one key/value head
    /// of the same dim, keys and values downsampled by a 'k' x 'k' depthwise convolution of stride 'v'
    /// + BN when v > 1. No projection has a bias. The block's stride only decides the skip (timm).
    /// </summary>
    MobileAttentionSpec MobileAttention(string name, BlockArgs a, int inC, int outC, int stride)
    {
        string attn = $"{name}.attn";
        int keyDim = a.KeyDim, valueDim = a.KeyDim;
        ConvSpec? Downsample(string branch) => a.KvStride > 1
            ? Conv($"{attn}.{branch}.down_conv", inC, inC, a.Kernel, $"{attn}.{branch}.norm", Activation.None, a.KvStride, groups: inC)
            : null;
        return new MobileAttentionSpec(
            new NormSpec($"{name}.norm", inC, _config.BatchNormEps),
            Conv($"{attn}.query.proj", inC, a.Heads * keyDim, 1, null, Activation.None),
            Downsample("key"), Conv($"{attn}.key.proj", inC, keyDim, 1, null, Activation.None),
            Downsample("value"), Conv($"{attn}.value.proj", inC, valueDim, 1, null, Activation.None),
            WithLayerScale(name, Conv($"{attn}.output.proj", a.Heads * valueDim, outC, 1, null, Activation.None)),
            a.Heads, keyDim, valueDim, stride == 1 && inC == outC && !a.NoSkip);
    }

    ConvSpec WithLayerScale(string block, ConvSpec last) => _config.LayerScale ? last with { Scale = $"{block}.layer_scale.gamma" } : last;
}
