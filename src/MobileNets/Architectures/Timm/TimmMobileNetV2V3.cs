using MobileNets.Kernels;

namespace MobileNets.Architectures.Timm;

/// <summary>
/// timm's MobileNetV2 (<c>efficientnet.py: _gen_mobilenet_v2</c>) and MobileNetV3
/// (<c>mobilenetv3.py: _gen_mobilenet_v3, _gen_mobilenet_v3_rw</c>), block strings verbatim.
/// </summary>
internal static class TimmMobileNetV2V3
{
    static readonly string[][] V2 =
    [
        ["ds_r1_k3_s1_c16"],
        ["ir_r2_k3_s2_e6_c24"],
        ["ir_r3_k3_s2_e6_c32"],
        ["ir_r4_k3_s2_e6_c64"],
        ["ir_r3_k3_s1_e6_c96"],
        ["ir_r3_k3_s2_e6_c160"],
        ["ir_r1_k3_s1_e6_c320"],
    ];

    static readonly string[][] V3Large =
    [
        ["ds_r1_k3_s1_e1_c16_nre"],
        ["ir_r1_k3_s2_e4_c24_nre", "ir_r1_k3_s1_e3_c24_nre"],
        ["ir_r3_k5_s2_e3_c40_se0.25_nre"],
        ["ir_r1_k3_s2_e6_c80", "ir_r1_k3_s1_e2.5_c80", "ir_r2_k3_s1_e2.3_c80"],
        ["ir_r2_k3_s1_e6_c112_se0.25"],
        ["ir_r3_k5_s2_e6_c160_se0.25"],
        ["cn_r1_k1_s1_c960"],
    ];

    static readonly string[][] V3LargeMinimal =
    [
        ["ds_r1_k3_s1_e1_c16"],
        ["ir_r1_k3_s2_e4_c24", "ir_r1_k3_s1_e3_c24"],
        ["ir_r3_k3_s2_e3_c40"],
        ["ir_r1_k3_s2_e6_c80", "ir_r1_k3_s1_e2.5_c80", "ir_r2_k3_s1_e2.3_c80"],
        ["ir_r2_k3_s1_e6_c112"],
        ["ir_r3_k3_s2_e6_c160"],
        ["cn_r1_k1_s1_c960"],
    ];

    static readonly string[][] V3Small =
    [
        ["ds_r1_k3_s2_e1_c16_se0.25_nre"],
        ["ir_r1_k3_s2_e4.5_c24_nre", "ir_r1_k3_s1_e3.67_c24_nre"],
        ["ir_r1_k5_s2_e4_c40_se0.25", "ir_r2_k5_s1_e6_c40_se0.25"],
        ["ir_r2_k5_s1_e3_c48_se0.25"],
        ["ir_r3_k5_s2_e6_c96_se0.25"],
        ["cn_r1_k1_s1_c576"],
    ];

    static readonly string[][] V3SmallMinimal =
    [
        ["ds_r1_k3_s2_e1_c16"],
        ["ir_r1_k3_s2_e4.5_c24", "ir_r1_k3_s1_e3.67_c24"],
        ["ir_r1_k3_s2_e4_c40", "ir_r2_k3_s1_e6_c40"],
        ["ir_r2_k3_s1_e3_c48"],
        ["ir_r3_k3_s2_e6_c96"],
        ["cn_r1_k1_s1_c576"],
    ];

    static readonly string[][] V3Rw =
    [
        ["ds_r1_k3_s1_e1_c16_nre_noskip"],
        ["ir_r1_k3_s2_e4_c24_nre", "ir_r1_k3_s1_e3_c24_nre"],
        ["ir_r3_k5_s2_e3_c40_se0.25_nre"],
        ["ir_r1_k3_s2_e6_c80", "ir_r1_k3_s1_e2.5_c80", "ir_r2_k3_s1_e2.3_c80"],
        ["ir_r2_k3_s1_e6_c112_se0.25"],
        ["ir_r3_k5_s2_e6_c160_se0.25"],
        ["cn_r1_k1_s1_c960"],
    ];

    /// <summary>_gen_mobilenet_v2: ReLU6, stem 32, head 1280 scaled up with the width unless fix_stem_head.</summary>
    public static TimmModelConfig MobileNetV2(double depthMultiplier = 1.0, bool fixStemHead = false) => new(
        V2, Activation.ReLU6, StemSize: 32, TimmHead.ConvThenPool, NumFeatures: 1280,
        DepthMultiplier: depthMultiplier, FixFirstLast: fixStemHead, FixStem: fixStemHead, ScaleNumFeatures: true);

    /// <summary>_gen_mobilenet_v3: the stem is fixed at 16 below width 0.75; SE reduces with ReLU, gates with hard-sigmoid.</summary>
    public static TimmModelConfig MobileNetV3(bool small, bool minimal, double width, double depthMultiplier = 1.0, bool tf = false) => new(
        small ? (minimal ? V3SmallMinimal : V3Small) : (minimal ? V3LargeMinimal : V3Large),
        minimal ? Activation.ReLU : Activation.HardSwish,
        StemSize: 16, TimmHead.PoolThenConv, NumFeatures: small ? 1024 : 1280,
        DepthMultiplier: depthMultiplier, FixStem: width < 0.75,
        SqueezeExcite: new TimmSqueezeExcite(Activation.HardSigmoid, Activation.ReLU, RoundToDivisible: true, FromExpanded: true),
        BatchNormEps: tf ? 1e-3 : 1e-5, TfSamePadding: tf);

    /// <summary>_gen_mobilenet_v3_rw (registered with TF BatchNorm eps): no head bias; SE uses the block's activation and Python rounding.</summary>
    public static TimmModelConfig MobileNetV3Rw() => new(
        V3Rw, Activation.HardSwish, StemSize: 16, TimmHead.PoolThenConv, NumFeatures: 1280, HeadBias: false, BatchNormEps: 1e-3,
        SqueezeExcite: new TimmSqueezeExcite(Activation.HardSigmoid, null, RoundToDivisible: false, FromExpanded: true));
}
