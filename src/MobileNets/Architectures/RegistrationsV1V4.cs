using MobileNets.Architectures.Timm;
using MobileNets.Architectures.Torchvision;
using MobileNets.Layers;
using static MobileNets.Architectures.Timm.TimmMobileNetV4.Variant;

namespace MobileNets.Architectures;

/// <summary>MobileNetV1, MobileNetV4 and MnasNet ids (timm and torchvision names).</summary>
internal static class RegistrationsV1V4
{
    internal static void Register()
    {
        ArchitectureRegistry.Timm("mobilenetv1_100", 1.0, _ => TimmMobileNetV1.Config(headConv: false));
        ArchitectureRegistry.Timm("mobilenetv1_100h", 1.0, _ => TimmMobileNetV1.Config(headConv: true));
        ArchitectureRegistry.Timm("mobilenetv1_125", 1.25, _ => TimmMobileNetV1.Config(headConv: false));

        ArchitectureRegistry.Timm("mobilenetv4_conv_small_035", 0.35, w => TimmMobileNetV4.Config(ConvSmall, w));
        ArchitectureRegistry.Timm("mobilenetv4_conv_small_050", 0.5, w => TimmMobileNetV4.Config(ConvSmall, w));
        ArchitectureRegistry.Timm("mobilenetv4_conv_small", 1.0, w => TimmMobileNetV4.Config(ConvSmall, w));
        ArchitectureRegistry.Timm("mobilenetv4_conv_medium", 1.0, w => TimmMobileNetV4.Config(ConvMedium, w));
        ArchitectureRegistry.Timm("mobilenetv4_conv_large", 1.0, w => TimmMobileNetV4.Config(ConvLarge, w));
        ArchitectureRegistry.Timm("mobilenetv4_conv_blur_medium", 1.0, w => TimmMobileNetV4.Config(ConvMedium, w, AntiAlias.BlurZeroPad));
        ArchitectureRegistry.Timm("mobilenetv4_conv_aa_medium", 1.0, w => TimmMobileNetV4.Config(ConvMedium, w, AntiAlias.Average));
        ArchitectureRegistry.Timm("mobilenetv4_conv_aa_large", 1.0, w => TimmMobileNetV4.Config(ConvLarge, w, AntiAlias.Average));
        ArchitectureRegistry.Timm("mobilenetv4_hybrid_medium", 1.0, w => TimmMobileNetV4.Config(HybridMedium, w));
        ArchitectureRegistry.Timm("mobilenetv4_hybrid_medium_075", 0.75, w => TimmMobileNetV4.Config(HybridMedium, w));
        ArchitectureRegistry.Timm("mobilenetv4_hybrid_large", 1.0, w => TimmMobileNetV4.Config(HybridLarge, w));
        ArchitectureRegistry.Timm("mobilenetv4_hybrid_large_075", 0.75, w => TimmMobileNetV4.Config(HybridLarge, w));

        foreach (var (suffix, width) in new[] { ("050", 0.5), ("075", 0.75), ("100", 1.0), ("140", 1.4) })
        {
            ArchitectureRegistry.Timm($"mnasnet_{suffix}", width, _ => TimmMnasNet.B1Config());
            ArchitectureRegistry.Timm($"semnasnet_{suffix}", width, _ => TimmMnasNet.A1Config());
        }
        ArchitectureRegistry.Timm("mnasnet_small", 1.0, _ => TimmMnasNet.SmallConfig());

        foreach (var (id, alpha) in new[] { ("mnasnet0_5", 0.5), ("mnasnet0_75", 0.75), ("mnasnet1_0", 1.0), ("mnasnet1_3", 1.3) })
            ArchitectureRegistry.Add(new(id, WeightLibrary.Torchvision, alpha, 224, "classifier.1.weight",
                (w, n) => TorchvisionMnasNet.Build(id, w, n)));
    }
}
