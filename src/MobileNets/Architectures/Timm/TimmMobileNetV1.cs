using MobileNets.Kernels;

namespace MobileNets.Architectures.Timm;

/// <summary>timm's MobileNetV1 (<c>efficientnet.py: _gen_mobilenet_v1</c>), block strings verbatim.</summary>
internal static class TimmMobileNetV1
{
    static readonly string[][] Stages =
    [
        ["dsa_r1_k3_s1_c64"],
        ["dsa_r2_k3_s2_c128"],
        ["dsa_r2_k3_s2_c256"],
        ["dsa_r6_k3_s2_c512"],
        ["dsa_r2_k3_s2_c1024"],
    ];

    /// <summary>
    /// ReLU6, stem 32 scaled with the width. Without <paramref name="headConv"/> the classifier reads the
    /// pooled last stage (num_features=0); with it a conv_head + bn2 of max(1024, width-scaled 1024) comes first.
    /// </summary>
    public static TimmModelConfig Config(bool headConv) => new(
        Stages, Activation.ReLU6, StemSize: 32, TimmHead.ConvThenPool, NumFeatures: headConv ? 1024 : 0, ScaleNumFeatures: true);
}
