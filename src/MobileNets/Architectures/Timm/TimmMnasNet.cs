using MobileNets.Kernels;

namespace MobileNets.Architectures.Timm;

/// <summary>
/// timm's MnasNet (<c>efficientnet.py: _gen_mnasnet_a1, _gen_mnasnet_b1, _gen_mnasnet_small</c>), block
/// strings verbatim. EfficientNet model class: ReLU, conv_head + bn2 of 1280 (not width-scaled) before
/// pooling; SE sized from the block input (ratio / expansion, Python rounding), block act, sigmoid gate.
/// </summary>
internal static class TimmMnasNet
{
    static readonly string[][] A1 =
    [
        // stage 0, 112x112 in
        ["ds_r1_k3_s1_e1_c16_noskip"],
        // stage 1, 112x112 in
        ["ir_r2_k3_s2_e6_c24"],
        // stage 2, 56x56 in
        ["ir_r3_k5_s2_e3_c40_se0.25"],
        // stage 3, 28x28 in
        ["ir_r4_k3_s2_e6_c80"],
        // stage 4, 14x14in
        ["ir_r2_k3_s1_e6_c112_se0.25"],
        // stage 5, 14x14in
        ["ir_r3_k5_s2_e6_c160_se0.25"],
        // stage 6, 7x7 in
        ["ir_r1_k3_s1_e6_c320"],
    ];

    static readonly string[][] B1 =
    [
        // stage 0, 112x112 in
        ["ds_r1_k3_s1_c16_noskip"],
        // stage 1, 112x112 in
        ["ir_r3_k3_s2_e3_c24"],
        // stage 2, 56x56 in
        ["ir_r3_k5_s2_e3_c40"],
        // stage 3, 28x28 in
        ["ir_r3_k5_s2_e6_c80"],
        // stage 4, 14x14in
        ["ir_r2_k3_s1_e6_c96"],
        // stage 5, 14x14in
        ["ir_r4_k5_s2_e6_c192"],
        // stage 6, 7x7 in
        ["ir_r1_k3_s1_e6_c320_noskip"],
    ];

    static readonly string[][] Small =
    [
        ["ds_r1_k3_s1_c8"],
        ["ir_r1_k3_s2_e3_c16"],
        ["ir_r2_k3_s2_e6_c16"],
        ["ir_r4_k5_s2_e6_c32_se0.25"],
        ["ir_r3_k3_s1_e6_c32_se0.25"],
        ["ir_r3_k5_s2_e6_c88_se0.25"],
        ["ir_r1_k3_s1_e6_c144"],
    ];

    static readonly TimmSqueezeExcite EfficientNetSe = new(Activation.Sigmoid, null, RoundToDivisible: false, FromExpanded: false);

    /// <summary>semnasnet_*: MnasNet-A1, with SE.</summary>
    public static TimmModelConfig A1Config() => Config(A1, 32);

    /// <summary>mnasnet_*: MnasNet-B1.</summary>
    public static TimmModelConfig B1Config() => Config(B1, 32);

    /// <summary>mnasnet_small.</summary>
    public static TimmModelConfig SmallConfig() => Config(Small, 8);

    static TimmModelConfig Config(string[][] stages, int stem) => new(
        stages, Activation.ReLU, stem, TimmHead.ConvThenPool, NumFeatures: 1280, SqueezeExcite: EfficientNetSe);
}
