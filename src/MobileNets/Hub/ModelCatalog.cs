using MobileNets.Imaging;

namespace MobileNets.Hub;

/// <summary>
/// The published MobileNet weights the hub knows, as data. Sources and what could be pinned offline:
/// <list type="bullet">
/// <item>timm tags on the Hugging Face hub (<c>https://huggingface.co/timm/TAG/resolve/main/model.safetensors</c>);
/// preprocessing from timm's pretrained_cfg (timm/models/mobilenetv3.py and efficientnet.py: input_size,
/// crop_pct, interpolation, mean, std; resize = floor(input_size / crop_pct)). Size and SHA-256 are not
/// known offline (null).</item>
/// <item>torchvision weights enums (torchvision/models/mobilenetv2.py, mobilenetv3.py): size and full
/// SHA-256 unknown offline, but the file name carries the SHA-256's first 8 hex digits, which are
/// checked as torch.hub's check_hash does. ImageClassification: resize 256 (232 for the V2 recipes),
/// crop 224, bilinear, ImageNet mean/std.</item>
/// <item>TensorFlow's hosted quantized MobileNets (uint8 .tflite), from the google-coral/test_data mirror
/// at a pinned commit so the bytes cannot change; size and SHA-256 computed from that commit where the
/// blob was available, null otherwise. Their inputs are uint8 with the normalization (x/127.5 - 1)
/// folded into the input quantization: mean 0.5, std 0.5 in [0, 1] units; the whole image is resized.</item>
/// </list>
/// Entries without a full SHA-256 (<see cref="ModelHubEntry.IsHashPinned"/> false) are trusted on first use:
/// the hash of their first download is recorded in the cache and later downloads must match it
/// (<see cref="RecordedHash"/>). Only models the library can load are listed (TFLite's SSD with its
/// custom post-processing operator is not).
/// </summary>
internal static class ModelCatalog
{
    const string CoralCommit = "104342d2d3480b3e66203073dac24f4e2dbb4c41";

    static readonly float[] InceptionMean = [0.5f, 0.5f, 0.5f], InceptionStd = [0.5f, 0.5f, 0.5f];

    public static IReadOnlyList<ModelHubEntry> Entries { get; } = Build();

    /// <summary>Bare architecture names resolve to these tags (torchvision's DEFAULT, timm's first pretrained tag).</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["mobilenet_v2"] = "mobilenet_v2.IMAGENET1K_V2",
        ["mobilenet_v3_large"] = "mobilenet_v3_large.IMAGENET1K_V2",
        ["mobilenet_v3_small"] = "mobilenet_v3_small.IMAGENET1K_V1",
        ["mobilenet_v2.DEFAULT"] = "mobilenet_v2.IMAGENET1K_V2",
        ["mobilenet_v3_large.DEFAULT"] = "mobilenet_v3_large.IMAGENET1K_V2",
        ["mobilenet_v3_small.DEFAULT"] = "mobilenet_v3_small.IMAGENET1K_V1",
        ["mobilenetv1_100"] = "mobilenetv1_100.ra4_e3600_r224_in1k",
        ["mobilenetv1_100h"] = "mobilenetv1_100h.ra4_e3600_r224_in1k",
        ["mobilenetv1_125"] = "mobilenetv1_125.ra4_e3600_r224_in1k",
        ["mobilenetv2_050"] = "mobilenetv2_050.lamb_in1k",
        ["mobilenetv2_100"] = "mobilenetv2_100.ra_in1k",
        ["mobilenetv2_110d"] = "mobilenetv2_110d.ra_in1k",
        ["mobilenetv2_120d"] = "mobilenetv2_120d.ra_in1k",
        ["mobilenetv2_140"] = "mobilenetv2_140.ra_in1k",
        ["mobilenetv3_large_100"] = "mobilenetv3_large_100.ra_in1k",
        ["mobilenetv3_large_150d"] = "mobilenetv3_large_150d.ra4_e3600_r256_in1k",
        ["mobilenetv3_small_050"] = "mobilenetv3_small_050.lamb_in1k",
        ["mobilenetv3_small_075"] = "mobilenetv3_small_075.lamb_in1k",
        ["mobilenetv3_small_100"] = "mobilenetv3_small_100.lamb_in1k",
        ["mobilenetv3_rw"] = "mobilenetv3_rw.rmsp_in1k",
        ["tf_mobilenetv3_large_075"] = "tf_mobilenetv3_large_075.in1k",
        ["tf_mobilenetv3_large_100"] = "tf_mobilenetv3_large_100.in1k",
        ["tf_mobilenetv3_large_minimal_100"] = "tf_mobilenetv3_large_minimal_100.in1k",
        ["tf_mobilenetv3_small_075"] = "tf_mobilenetv3_small_075.in1k",
        ["tf_mobilenetv3_small_100"] = "tf_mobilenetv3_small_100.in1k",
        ["tf_mobilenetv3_small_minimal_100"] = "tf_mobilenetv3_small_minimal_100.in1k",
        ["mobilenetv4_conv_small_050"] = "mobilenetv4_conv_small_050.e3000_r224_in1k",
        ["mobilenetv4_conv_small"] = "mobilenetv4_conv_small.e2400_r224_in1k",
        ["mobilenetv4_conv_medium"] = "mobilenetv4_conv_medium.e500_r256_in1k",
        ["mobilenetv4_conv_large"] = "mobilenetv4_conv_large.e600_r384_in1k",
        ["mobilenetv4_hybrid_medium"] = "mobilenetv4_hybrid_medium.ix_e550_r256_in1k",
        ["mobilenetv4_hybrid_large"] = "mobilenetv4_hybrid_large.ix_e600_r384_in1k",
    };

    static List<ModelHubEntry> Build() =>
    [
        // ---- timm, efficientnet.py (_cfg default: 224, crop_pct 0.875, bicubic, ImageNet mean/std)
        Timm("mobilenetv1_100.ra4_e3600_r224_in1k"),
        Timm("mobilenetv1_100h.ra4_e3600_r224_in1k"),
        Timm("mobilenetv1_125.ra4_e3600_r224_in1k"),
        Timm("mobilenetv2_050.lamb_in1k"),
        Timm("mobilenetv2_100.ra_in1k"),
        Timm("mobilenetv2_110d.ra_in1k"),
        Timm("mobilenetv2_120d.ra_in1k"),
        Timm("mobilenetv2_140.ra_in1k"),

        // ---- timm, mobilenetv3.py (_cfg default: 224, crop_pct 0.875, bilinear, ImageNet mean/std)
        Timm("mobilenetv3_large_100.ra_in1k"),
        Timm("mobilenetv3_large_100.ra4_e3600_r224_in1k"),
        Timm("mobilenetv3_large_100.miil_in21k_ft_in1k"),
        Timm("mobilenetv3_large_150d.ra4_e3600_r256_in1k"),
        Timm("mobilenetv3_small_050.lamb_in1k"),
        Timm("mobilenetv3_small_075.lamb_in1k"),
        Timm("mobilenetv3_small_100.lamb_in1k"),
        Timm("mobilenetv3_rw.rmsp_in1k"),
        Timm("tf_mobilenetv3_large_075.in1k"),
        Timm("tf_mobilenetv3_large_100.in1k"),
        Timm("tf_mobilenetv3_large_minimal_100.in1k"),
        Timm("tf_mobilenetv3_small_075.in1k"),
        Timm("tf_mobilenetv3_small_100.in1k"),
        Timm("tf_mobilenetv3_small_minimal_100.in1k"),
        Timm("mobilenetv4_conv_small_050.e3000_r224_in1k"),
        Timm("mobilenetv4_conv_small.e2400_r224_in1k"),
        Timm("mobilenetv4_conv_small.e1200_r224_in1k"),
        Timm("mobilenetv4_conv_small.e3600_r256_in1k"),
        Timm("mobilenetv4_conv_medium.e500_r256_in1k"),
        Timm("mobilenetv4_conv_medium.e500_r224_in1k"),
        Timm("mobilenetv4_conv_medium.e250_r384_in12k_ft_in1k"),
        Timm("mobilenetv4_conv_large.e600_r384_in1k"),
        Timm("mobilenetv4_conv_large.e500_r256_in1k"),
        Timm("mobilenetv4_hybrid_medium.e200_r256_in12k_ft_in1k"),
        Timm("mobilenetv4_hybrid_medium.ix_e550_r256_in1k"),
        Timm("mobilenetv4_hybrid_medium.ix_e550_r384_in1k"),
        Timm("mobilenetv4_hybrid_medium.e500_r224_in1k"),
        Timm("mobilenetv4_hybrid_large.ix_e600_r384_in1k"),
        Timm("mobilenetv4_hybrid_large.e600_r384_in1k"),
        Timm("mobilenetv4_conv_blur_medium.e500_r224_in1k"),

        // ---- torchvision (weights enums; the hash prefix is in the file name)
        Torchvision("mobilenet_v2.IMAGENET1K_V1", "mobilenet_v2-b0353104.pth", 256),
        Torchvision("mobilenet_v2.IMAGENET1K_V2", "mobilenet_v2-7ebf99e0.pth", 232),
        Torchvision("mobilenet_v3_large.IMAGENET1K_V1", "mobilenet_v3_large-8738ca79.pth", 256),
        Torchvision("mobilenet_v3_large.IMAGENET1K_V2", "mobilenet_v3_large-5c1a4163.pth", 232),
        Torchvision("mobilenet_v3_small.IMAGENET1K_V1", "mobilenet_v3_small-047dcff4.pth", 256),

        // ---- TensorFlow's quantized MobileNets (google-coral/test_data mirror, pinned commit)
        Tflite("mobilenet_v1_0.25_128_quant", "mobilenet_v1", 128, 525598, "cb273c23ee76374b05b9583177e28aa19744858a7679c56a250e83d0333da785"),
        Tflite("mobilenet_v1_0.5_160_quant", "mobilenet_v1", 160, 1392846, "3cc6d2ca460abd2e0f699a6d0d2550c6b61c6e3b0e27a3616e384ea74cb86f43"),
        Tflite("mobilenet_v1_0.75_192_quant", "mobilenet_v1", 192, 2652542, "41daeb22fdcf947e0e5ec32373aa9df7c31f3ef45dbd0ef7b5940fbce3c20f6a"),
        Tflite("mobilenet_v1_1.0_224_quant", "mobilenet_v1", 224, null, null),
        Tflite("mobilenet_v2_1.0_224_quant", "mobilenet_v2", 224, 3610798, "7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776"),
        new("deeplabv3_mnv2_pascal_quant", Coral("deeplabv3_mnv2_pascal_quant.tflite"), 2193224,
            "350af47fd346ea6d74b58833a351f583ba860e9806ec5bd292ff8d8f1f249398", null, "deeplabv3_mobilenet_v2", LabelSet.Voc,
            EvalTransform.WholeImage(513, 513, ResizeInterpolation.Bilinear, InceptionMean, InceptionStd)),
    ];

    /// <summary>A timm tag: its evaluation transform is timm's pretrained config of that tag (embedded, see TimmPretrainedConfigs).</summary>
    static ModelHubEntry Timm(string tag)
    {
        string arch = tag[..tag.IndexOf('.')];
        if (!Architectures.TimmPretrainedConfigs.TryGet(arch, tag, out var cfg))
            throw new InvalidOperationException($"no timm pretrained config for {tag}");
        return new ModelHubEntry(tag, $"https://huggingface.co/timm/{tag}/resolve/main/model.safetensors", null, null, null,
            arch, LabelSet.ImageNet1k, Classification.PretrainedTransforms.FromTimmConfig(cfg));
    }

    static ModelHubEntry Torchvision(string name, string file, int resize)
    {
        // torch.hub.HASH_REGEX: the digits between '-' and '.' start the file's SHA-256.
        string prefix = file[(file.LastIndexOf('-') + 1)..file.LastIndexOf('.')];
        return new ModelHubEntry(name, $"https://download.pytorch.org/models/{file}", null, null, prefix,
            name[..name.IndexOf('.')], LabelSet.ImageNet1k,
            new EvalTransform(resize, 224, 224, ResizeInterpolation.Bilinear, EvalTransform.ImageNetMean, EvalTransform.ImageNetStd));
    }

    static ModelHubEntry Tflite(string name, string architecture, int inputSize, long? size, string? sha256) =>
        new(name, Coral(name + ".tflite"), size, sha256, null, architecture, LabelSet.ImageNet1001,
            // TFLite classifiers: the whole image resized to the input size, bilinear (the uint8 input quantization folds x/127.5 - 1).
            EvalTransform.WholeImage(inputSize, inputSize, ResizeInterpolation.Bilinear, InceptionMean, InceptionStd));

    static string Coral(string file) => $"https://github.com/google-coral/test_data/raw/{CoralCommit}/{file}";
}
