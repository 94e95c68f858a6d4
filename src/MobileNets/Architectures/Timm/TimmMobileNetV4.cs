using MobileNets.Kernels;
using MobileNets.Layers;

namespace MobileNets.Architectures.Timm;

/// <summary>
/// timm's MobileNetV4 (<c>mobilenetv3.py: _gen_mobilenet_v4</c>), block strings verbatim. Conv models:
/// ReLU, no layer scale. Hybrid models: Mobile MQA blocks, layer scale on every UIB and attention block,
/// ReLU (medium) or exact GELU (large). Every variant: a 1280-wide head (not width-scaled) of conv
/// without bias + BN + act after pooling; the stem is fixed below width 1.
/// </summary>
internal static class TimmMobileNetV4
{
    /// <summary>The table a timm variant name selects ('hybrid' / 'small' / 'medium' / 'large').</summary>
    internal enum Variant { ConvSmall, ConvMedium, ConvLarge, HybridMedium, HybridLarge }

    static readonly string[][] HybridMedium =
    [
        // stage 0, 112x112 in
        [
            "er_r1_k3_s2_e4_c48",  // FusedIB (EdgeResidual)
        ],
        // stage 1, 56x56 in
        [
            "uir_r1_a3_k5_s2_e4_c80",  // ExtraDW
            "uir_r1_a3_k3_s1_e2_c80",  // ExtraDW
        ],
        // stage 2, 28x28 in
        [
            "uir_r1_a3_k5_s2_e6_c160",  // ExtraDW
            "uir_r1_a0_k0_s1_e2_c160",  // FFN
            "uir_r1_a3_k3_s1_e4_c160",  // ExtraDW
            "uir_r1_a3_k5_s1_e4_c160",  // ExtraDW
            "mqa_r1_k3_h4_s1_v2_d64_c160",  // MQA w/ KV downsample
            "uir_r1_a3_k3_s1_e4_c160",  // ExtraDW
            "mqa_r1_k3_h4_s1_v2_d64_c160",  // MQA w/ KV downsample
            "uir_r1_a3_k0_s1_e4_c160",  // ConvNeXt
            "mqa_r1_k3_h4_s1_v2_d64_c160",  // MQA w/ KV downsample
            "uir_r1_a3_k3_s1_e4_c160",  // ExtraDW
            "mqa_r1_k3_h4_s1_v2_d64_c160",  // MQA w/ KV downsample
            "uir_r1_a3_k0_s1_e4_c160",  // ConvNeXt
        ],
        // stage 3, 14x14in
        [
            "uir_r1_a5_k5_s2_e6_c256",  // ExtraDW
            "uir_r1_a5_k5_s1_e4_c256",  // ExtraDW
            "uir_r2_a3_k5_s1_e4_c256",  // ExtraDW
            "uir_r1_a0_k0_s1_e2_c256",  // FFN
            "uir_r1_a3_k5_s1_e2_c256",  // ExtraDW
            "uir_r1_a0_k0_s1_e2_c256",  // FFN
            "uir_r1_a0_k0_s1_e4_c256",  // FFN
            "mqa_r1_k3_h4_s1_d64_c256",  // MQA
            "uir_r1_a3_k0_s1_e4_c256",  // ConvNeXt
            "mqa_r1_k3_h4_s1_d64_c256",  // MQA
            "uir_r1_a5_k5_s1_e4_c256",  // ExtraDW
            "mqa_r1_k3_h4_s1_d64_c256",  // MQA
            "uir_r1_a5_k0_s1_e4_c256",  // ConvNeXt
            "mqa_r1_k3_h4_s1_d64_c256", // MQA
            "uir_r1_a5_k0_s1_e4_c256",  // ConvNeXt
        ],
        // stage 4, 7x7 in
        [
            "cn_r1_k1_s1_c960", // Conv
        ],
    ];

    static readonly string[][] HybridLarge =
    [
        // stage 0, 112x112 in
        [
            "er_r1_k3_s2_e4_c48",  // FusedIB (EdgeResidual)
        ],
        // stage 1, 56x56 in
        [
            "uir_r1_a3_k5_s2_e4_c96",  // ExtraDW
            "uir_r1_a3_k3_s1_e4_c96",  // ExtraDW
        ],
        // stage 2, 28x28 in
        [
            "uir_r1_a3_k5_s2_e4_c192",  // ExtraDW
            "uir_r3_a3_k3_s1_e4_c192",  // ExtraDW
            "uir_r1_a3_k5_s1_e4_c192",  // ExtraDW
            "uir_r2_a5_k3_s1_e4_c192",  // ExtraDW
            "mqa_r1_k3_h8_s1_v2_d48_c192",  // MQA w/ KV downsample
            "uir_r1_a5_k3_s1_e4_c192",  // ExtraDW
            "mqa_r1_k3_h8_s1_v2_d48_c192",  // MQA w/ KV downsample
            "uir_r1_a5_k3_s1_e4_c192",  // ExtraDW
            "mqa_r1_k3_h8_s1_v2_d48_c192",  // MQA w/ KV downsample
            "uir_r1_a5_k3_s1_e4_c192",  // ExtraDW
            "mqa_r1_k3_h8_s1_v2_d48_c192",  // MQA w/ KV downsample
            "uir_r1_a3_k0_s1_e4_c192",  // ConvNeXt
        ],
        // stage 3, 14x14in
        [
            "uir_r4_a5_k5_s2_e4_c512",  // ExtraDW
            "uir_r1_a5_k0_s1_e4_c512",  // ConvNeXt
            "uir_r1_a5_k3_s1_e4_c512",  // ExtraDW
            "uir_r2_a5_k0_s1_e4_c512",  // ConvNeXt
            "uir_r1_a5_k3_s1_e4_c512",  // ExtraDW
            "uir_r1_a5_k5_s1_e4_c512",  // ExtraDW
            "mqa_r1_k3_h8_s1_d64_c512",  // MQA
            "uir_r1_a5_k0_s1_e4_c512",  // ConvNeXt
            "mqa_r1_k3_h8_s1_d64_c512",  // MQA
            "uir_r1_a5_k0_s1_e4_c512",  // ConvNeXt
            "mqa_r1_k3_h8_s1_d64_c512",  // MQA
            "uir_r1_a5_k0_s1_e4_c512",  // ConvNeXt
            "mqa_r1_k3_h8_s1_d64_c512",  // MQA
            "uir_r1_a5_k0_s1_e4_c512",  // ConvNeXt
        ],
        // stage 4, 7x7 in
        [
            "cn_r1_k1_s1_c960",  // Conv
        ],
    ];

    static readonly string[][] ConvSmall =
    [
        // stage 0, 112x112 in
        [
            "cn_r1_k3_s2_e1_c32",  // Conv
            "cn_r1_k1_s1_e1_c32",  // Conv
        ],
        // stage 1, 56x56 in
        [
            "cn_r1_k3_s2_e1_c96",  // Conv
            "cn_r1_k1_s1_e1_c64",  // Conv
        ],
        // stage 2, 28x28 in
        [
            "uir_r1_a5_k5_s2_e3_c96",  // ExtraDW
            "uir_r4_a0_k3_s1_e2_c96",  // IR
            "uir_r1_a3_k0_s1_e4_c96",  // ConvNeXt
        ],
        // stage 3, 14x14 in
        [
            "uir_r1_a3_k3_s2_e6_c128",  // ExtraDW
            "uir_r1_a5_k5_s1_e4_c128",  // ExtraDW
            "uir_r1_a0_k5_s1_e4_c128",  // IR
            "uir_r1_a0_k5_s1_e3_c128",  // IR
            "uir_r2_a0_k3_s1_e4_c128",  // IR
        ],
        // stage 4, 7x7 in
        [
            "cn_r1_k1_s1_c960",  // Conv
        ],
    ];

    static readonly string[][] ConvMedium =
    [
        // stage 0, 112x112 in
        [
            "er_r1_k3_s2_e4_c48",  // FusedIB (EdgeResidual)
        ],
        // stage 1, 56x56 in
        [
            "uir_r1_a3_k5_s2_e4_c80",  // ExtraDW
            "uir_r1_a3_k3_s1_e2_c80",  // ExtraDW
        ],
        // stage 2, 28x28 in
        [
            "uir_r1_a3_k5_s2_e6_c160",  // ExtraDW
            "uir_r2_a3_k3_s1_e4_c160",  // ExtraDW
            "uir_r1_a3_k5_s1_e4_c160",  // ExtraDW
            "uir_r1_a3_k3_s1_e4_c160",  // ExtraDW
            "uir_r1_a3_k0_s1_e4_c160",  // ConvNeXt
            "uir_r1_a0_k0_s1_e2_c160",  // ExtraDW
            "uir_r1_a3_k0_s1_e4_c160",  // ConvNeXt
        ],
        // stage 3, 14x14in
        [
            "uir_r1_a5_k5_s2_e6_c256",  // ExtraDW
            "uir_r1_a5_k5_s1_e4_c256",  // ExtraDW
            "uir_r2_a3_k5_s1_e4_c256",  // ExtraDW
            "uir_r1_a0_k0_s1_e4_c256",  // FFN
            "uir_r1_a3_k0_s1_e4_c256",  // ConvNeXt
            "uir_r1_a3_k5_s1_e2_c256",  // ExtraDW
            "uir_r1_a5_k5_s1_e4_c256",  // ExtraDW
            "uir_r2_a0_k0_s1_e4_c256",  // FFN
            "uir_r1_a5_k0_s1_e2_c256",  // ConvNeXt
        ],
        // stage 4, 7x7 in
        [
            "cn_r1_k1_s1_c960",  // Conv
        ],
    ];

    static readonly string[][] ConvLarge =
    [
        // stage 0, 112x112 in
        [
            "er_r1_k3_s2_e4_c48",  // FusedIB (EdgeResidual)
        ],
        // stage 1, 56x56 in
        [
            "uir_r1_a3_k5_s2_e4_c96",  // ExtraDW
            "uir_r1_a3_k3_s1_e4_c96",  // ExtraDW
        ],
        // stage 2, 28x28 in
        [
            "uir_r1_a3_k5_s2_e4_c192",  // ExtraDW
            "uir_r3_a3_k3_s1_e4_c192",  // ExtraDW
            "uir_r1_a3_k5_s1_e4_c192",  // ExtraDW
            "uir_r5_a5_k3_s1_e4_c192",  // ExtraDW
            "uir_r1_a3_k0_s1_e4_c192",  // ConvNeXt
        ],
        // stage 3, 14x14in
        [
            "uir_r4_a5_k5_s2_e4_c512",  // ExtraDW
            "uir_r1_a5_k0_s1_e4_c512",  // ConvNeXt
            "uir_r1_a5_k3_s1_e4_c512",  // ExtraDW
            "uir_r2_a5_k0_s1_e4_c512",  // ConvNeXt
            "uir_r1_a5_k3_s1_e4_c512",  // ExtraDW
            "uir_r1_a5_k5_s1_e4_c512",  // ExtraDW
            "uir_r3_a5_k0_s1_e4_c512",  // ConvNeXt

        ],
        // stage 4, 7x7 in
        [
            "cn_r1_k1_s1_c960",  // Conv
        ],
    ];

    public static TimmModelConfig Config(Variant variant, double width, AntiAlias antiAlias = AntiAlias.None)
    {
        var (stages, stem, act) = variant switch
        {
            Variant.ConvSmall => (ConvSmall, 32, Activation.ReLU),
            Variant.ConvMedium => (ConvMedium, 32, Activation.ReLU),
            Variant.ConvLarge => (ConvLarge, 24, Activation.ReLU),
            Variant.HybridMedium => (HybridMedium, 32, Activation.ReLU),
            Variant.HybridLarge => (HybridLarge, 24, Activation.GELU),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
        return new TimmModelConfig(stages, act, stem, TimmHead.PoolThenConv, NumFeatures: 1280,
            FixStem: width < 1.0, HeadBias: false, HeadNorm: true, AntiAlias: antiAlias,
            LayerScale: variant is Variant.HybridMedium or Variant.HybridLarge);
    }
}
