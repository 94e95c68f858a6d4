using MobileNets.Kernels;
using MobileNets.Layers;

namespace MobileNets.Architectures.Timm;

/// <summary>
/// timm's <c>EfficientNetBuilder</c> and model heads in one place: block strings plus a
/// <see cref="TimmModelConfig"/> at a width become a <see cref="NetworkSpec"/> with timm's state-dict names.
/// Owns the width rounding, stage strides and skip rules; the block kinds it knows are the ones
/// the MobileNet family uses.
/// </summary>
internal sealed partial class TimmBuilder
{
    readonly TimmModelConfig _config;
    readonly double _width;

    TimmBuilder(TimmModelConfig config, double width) { _config = config; _width = width; }

    public static NetworkSpec Build(string id, TimmModelConfig config, double width, int numClasses) =>
        new TimmBuilder(config, width).Build(id, numClasses);

    int Round(int channels) => Channels.Scale(channels, _width);

    Padding Pad(int kernel, int stride, int dilation = 1) =>
        _config.TfSamePadding ? Padding.Same : Padding.Symmetric(((stride - 1) + dilation * (kernel - 1)) / 2);

    /// <param name="antiAliased">A block convolution that timm builds with the model's aa_layer (anti-aliased when strided).</param>
    ConvSpec Conv(string name, int inC, int outC, int kernel, string? norm, Activation act, int stride = 1, int groups = 1, bool bias = false, bool antiAliased = false)
    {
        var aa = antiAliased && stride > 1 ? _config.AntiAlias : AntiAlias.None;
        return new(name, inC, outC, kernel, Stride: stride, Groups: groups, Padding: Pad(kernel, aa == AntiAlias.None ? stride : 1), Bias: bias,
            Norm: norm, NormEps: _config.BatchNormEps, Act: act, AntiAlias: aa);
    }

    NetworkSpec Build(string id, int numClasses)
    {
        var c = _config;
        int stem = c.FixStem ? c.StemSize : Round(c.StemSize);
        var layers = new List<LayerSpec> { new ConvBlockSpec(Conv("conv_stem", 3, stem, 3, "bn1", c.Act, stride: 2)) };
        int inC = stem;
        var stages = BlockArgs.DecodeArchitecture(c.Stages, c.DepthMultiplier, c.FixFirstLast);
        for (int s = 0; s < stages.Count; s++)
            for (int j = 0; j < stages[s].Count; j++)
            {
                var args = stages[s][j];
                int stride = j == 0 ? args.Stride : 1;   // only a stage's first block strides
                layers.Add(Block($"blocks.{s}.{j}", args, inC, stride, out int outC));
                inC = outC;
            }

        int features = c.NumFeatures;
        if (c.ScaleNumFeatures && !c.FixFirstLast && features > 0) features = Math.Max(features, Round(features));
        if (features == 0)
        {
            layers.Add(new GlobalPoolSpec());
            features = inC;
        }
        else if (c.Head == TimmHead.ConvThenPool)
        {
            layers.Add(new ConvBlockSpec(Conv("conv_head", inC, features, 1, "bn2", c.Act)));
            layers.Add(new GlobalPoolSpec());
        }
        else
        {
            layers.Add(new GlobalPoolSpec());
            layers.Add(new ConvBlockSpec(Conv("conv_head", inC, features, 1, c.HeadNorm ? "norm_head" : null, c.Act, bias: c.HeadBias && !c.HeadNorm)));
        }
        layers.Add(new ConvBlockSpec(new ConvSpec("classifier", features, numClasses, 1, Bias: true, Linear: true)));
        return new NetworkSpec(id, _width, numClasses, layers);
    }

    LayerSpec Block(string name, BlockArgs a, int inC, int stride, out int outC)
    {
        outC = Round(a.OutChannels);
        var act = a.Act ?? _config.Act;
        switch (a.Type)
        {
            case "ds" or "dsa":
            {
                var dw = Conv($"{name}.conv_dw", inC, inC, a.Kernel, $"{name}.bn1", act, stride, groups: inC, antiAliased: true);
                var se = SqueezeExcite(name, a, inC, 1.0, act);
                var pw = Conv($"{name}.conv_pw", inC, outC, a.EndKernel, $"{name}.bn2", a.Type == "dsa" ? act : Activation.None);
                return new InvertedResidualSpec(null, dw, se, pw, stride == 1 && inC == outC && !a.NoSkip);
            }
            case "ir":
            {
                int mid = Channels.MakeDivisible(inC * a.Expansion);
                var pw = Conv($"{name}.conv_pw", inC, mid, a.StartKernel, $"{name}.bn1", act);
                var dw = Conv($"{name}.conv_dw", mid, mid, a.Kernel, $"{name}.bn2", act, stride, groups: mid, antiAliased: true);
                var se = SqueezeExcite(name, a, mid, a.Expansion, act);
                var pwl = Conv($"{name}.conv_pwl", mid, outC, a.EndKernel, $"{name}.bn3", Activation.None);
                return new InvertedResidualSpec(pw, dw, se, pwl, stride == 1 && inC == outC && !a.NoSkip);
            }
            case "er":
            {
                int mid = Channels.MakeDivisible((a.ForceInChannels > 0 ? Round(a.ForceInChannels) : inC) * a.Expansion);
                var exp = Conv($"{name}.conv_exp", inC, mid, a.Kernel, $"{name}.bn1", act, stride, antiAliased: true);
                var se = SqueezeExcite(name, a, mid, a.Expansion, act);
                var pwl = Conv($"{name}.conv_pwl", mid, outC, a.EndKernel, $"{name}.bn2", Activation.None);
                return new InvertedResidualSpec(exp, null, se, pwl, stride == 1 && inC == outC && !a.NoSkip);
            }
            case "cn":
                return new ConvBlockSpec(Conv($"{name}.conv", inC, outC, a.Kernel, $"{name}.bn1", act, stride, antiAliased: true), a.ForceSkip && stride == 1 && inC == outC);
            case "uir":
                return UniversalInvertedResidual(name, a, inC, outC, stride, act);
            case "mqa":
                return MobileAttention(name, a, inC, outC, stride);
            default:
                throw new NotSupportedException($"timm block type '{a.Type}' is not supported");
        }
    }

    SqueezeExciteSpec? SqueezeExcite(string name, BlockArgs a, int channels, double expansion, Activation blockAct)
    {
        var se = _config.SqueezeExcite;
        if (a.SeRatio <= 0 || se == null) return null;
        double ratio = se.FromExpanded ? a.SeRatio : a.SeRatio / expansion;
        int reduced = se.RoundToDivisible ? Channels.MakeDivisible(channels * ratio) : Channels.PyRound(channels * ratio);
        return new SqueezeExciteSpec(
            Conv($"{name}.se.conv_reduce", channels, reduced, 1, null, se.ForceAct ?? blockAct, bias: true),
            Conv($"{name}.se.conv_expand", reduced, channels, 1, null, se.Gate, bias: true));
    }
}
