using MobileNets.Architectures.Timm;
using MobileNets.Architectures.Torchvision;

namespace MobileNets.Architectures;

/// <summary>Every architecture id the library knows, by torchvision's and timm's names.</summary>
internal static class ArchitectureRegistry
{
    static readonly Dictionary<string, ArchitectureInfo> ById = new(StringComparer.OrdinalIgnoreCase);

    static ArchitectureRegistry()
    {
        Add(new("mobilenet_v2", WeightLibrary.Torchvision, 1.0, 224, "classifier.1.weight",
            (w, n) => TorchvisionMobileNetV2.Build("mobilenet_v2", w, n)));
        Add(new("mobilenet_v3_large", WeightLibrary.Torchvision, 1.0, 224, "classifier.3.weight",
            (w, n) => TorchvisionMobileNetV3.Build("mobilenet_v3_large", w, n, small: false)));
        Add(new("mobilenet_v3_small", WeightLibrary.Torchvision, 1.0, 224, "classifier.3.weight",
            (w, n) => TorchvisionMobileNetV3.Build("mobilenet_v3_small", w, n, small: true)));

        foreach (var (suffix, width) in new[] { ("035", 0.35), ("050", 0.5), ("075", 0.75), ("100", 1.0), ("140", 1.4) })
            Timm($"mobilenetv2_{suffix}", width, _ => TimmMobileNetV2V3.MobileNetV2());
        Timm("mobilenetv2_110d", 1.1, _ => TimmMobileNetV2V3.MobileNetV2(1.2, fixStemHead: true));
        Timm("mobilenetv2_120d", 1.2, _ => TimmMobileNetV2V3.MobileNetV2(1.4, fixStemHead: true));

        Timm("mobilenetv3_large_075", 0.75, w => TimmMobileNetV2V3.MobileNetV3(false, false, w));
        Timm("mobilenetv3_large_100", 1.0, w => TimmMobileNetV2V3.MobileNetV3(false, false, w));
        Timm("mobilenetv3_large_150d", 1.5, w => TimmMobileNetV2V3.MobileNetV3(false, false, w, depthMultiplier: 1.2));
        Timm("mobilenetv3_small_050", 0.5, w => TimmMobileNetV2V3.MobileNetV3(true, false, w));
        Timm("mobilenetv3_small_075", 0.75, w => TimmMobileNetV2V3.MobileNetV3(true, false, w));
        Timm("mobilenetv3_small_100", 1.0, w => TimmMobileNetV2V3.MobileNetV3(true, false, w));
        Timm("mobilenetv3_rw", 1.0, _ => TimmMobileNetV2V3.MobileNetV3Rw());
        Timm("tf_mobilenetv3_large_075", 0.75, w => TimmMobileNetV2V3.MobileNetV3(false, false, w, tf: true));
        Timm("tf_mobilenetv3_large_100", 1.0, w => TimmMobileNetV2V3.MobileNetV3(false, false, w, tf: true));
        Timm("tf_mobilenetv3_large_minimal_100", 1.0, w => TimmMobileNetV2V3.MobileNetV3(false, true, w, tf: true));
        Timm("tf_mobilenetv3_small_075", 0.75, w => TimmMobileNetV2V3.MobileNetV3(true, false, w, tf: true));
        Timm("tf_mobilenetv3_small_100", 1.0, w => TimmMobileNetV2V3.MobileNetV3(true, false, w, tf: true));
        Timm("tf_mobilenetv3_small_minimal_100", 1.0, w => TimmMobileNetV2V3.MobileNetV3(true, true, w, tf: true));
        RegistrationsV1V4.Register();
    }

    internal static void Add(ArchitectureInfo info) => ById.Add(info.Id, info);

    /// <summary>Registers a timm id whose generator config depends on the width.</summary>
    internal static void Timm(string id, double defaultWidth, Func<double, TimmModelConfig> config) =>
        Add(new(id, WeightLibrary.Timm, defaultWidth, TimmPretrainedConfigs.DefaultInputSize(id, 224), "classifier.weight",
            (w, n) => TimmBuilder.Build(id, config(w), w, n)));

    public static IReadOnlyCollection<ArchitectureInfo> All => ById.Values;

    public static bool TryFind(string id, out ArchitectureInfo info) => ById.TryGetValue(id, out info!);

    public static ArchitectureInfo Find(string id) =>
        TryFind(id, out var info) ? info : throw new ArgumentException($"unknown architecture '{id}' (known: {string.Join(", ", ById.Keys.Order())})");
}
