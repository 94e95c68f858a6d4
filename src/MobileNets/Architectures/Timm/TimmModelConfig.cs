using MobileNets.Kernels;
using MobileNets.Layers;

namespace MobileNets.Architectures.Timm;

/// <summary>
/// Where the head's 1x1 convolution sits: before pooling (timm EfficientNet, MobileNetV2) or after
/// (MobileNetV3/V4). A <see cref="TimmModelConfig.NumFeatures"/> of 0 means no head convolution at all
/// (timm EfficientNet with <c>num_features=0</c>, MobileNetV1 without <c>head_conv</c>).
/// </summary>
internal enum TimmHead { ConvThenPool, PoolThenConv }

/// <summary>Squeeze-excitation as a timm generator configures it.</summary>
internal sealed record TimmSqueezeExcite(
    Activation Gate,
    // null: the block's activation.
    Activation? ForceAct,
    // true: timm round_channels (make_divisible); false: Python round().
    bool RoundToDivisible,
    // Reduction counted from the expanded channels (MobileNetV3) or from the input (EfficientNet).
    bool FromExpanded);

/// <summary>
/// What one of timm's <c>_gen_*</c> functions passes to its model class: the block strings and
/// every option that changes shapes or arithmetic.
/// </summary>
internal sealed record TimmModelConfig(
    string[][] Stages,
    Activation Act,
    int StemSize,
    TimmHead Head,
    int NumFeatures,
    double DepthMultiplier = 1.0,
    bool FixFirstLast = false,
    bool FixStem = false,
    bool HeadBias = true,
    bool HeadNorm = false,
    bool ScaleNumFeatures = false,
    TimmSqueezeExcite? SqueezeExcite = null,
    double BatchNormEps = 1e-5,
    bool TfSamePadding = false,
    // timm aa_layer: how strided block convolutions are anti-aliased.
    AntiAlias AntiAlias = AntiAlias.None,
    // timm layer_scale_init_value set: UIB and attention blocks carry layer_scale.gamma.
    bool LayerScale = false);
