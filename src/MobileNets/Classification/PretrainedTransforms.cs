using System.Globalization;
using System.Text.Json;
using MobileNets.Architectures;
using MobileNets.Imaging;

namespace MobileNets.Classification;

/// <summary>
/// The evaluation transform a model's weights expect: the file's own <c>preprocessing</c> metadata
/// when present; else per architecture: torchvision's preset, or timm's pretrained config of the
/// tag the weights name (<c>pretrained_tag</c> metadata) or of the architecture's default tag.
/// </summary>
internal static class PretrainedTransforms
{
    public static EvalTransform For(ArchitectureInfo arch, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.TryGetValue("preprocessing", out var json)) return FromMetadata(json);
        if (arch.Library == WeightLibrary.Torchvision) return EvalTransform.Torchvision;
        return TimmPretrainedConfigs.TryGet(arch.Id, metadata.GetValueOrDefault("pretrained_tag"), out var cfg)
            ? FromTimmConfig(cfg)
            : EvalTransform.Timm(arch.DefaultInputSize, 0.875, ResizeInterpolation.Bicubic, EvalTransform.ImageNetMean, EvalTransform.ImageNetStd);
    }

    public static EvalTransform FromTimmConfig(JsonElement cfg)
    {
        var size = cfg.GetProperty("input_size");
        int h = size[1].GetInt32(), w = size[2].GetInt32();
        double cropPct = cfg.GetProperty("crop_pct").GetDouble();
        // timm transforms_imagenet_eval: scale_size = floor(img_size / crop_pct), shorter side, then center crop.
        int scale = (int)Math.Floor(Math.Min(h, w) / cropPct);
        return new EvalTransform(scale, h, w, ParseInterpolation(cfg.GetProperty("interpolation").GetString()),
            Floats(cfg.GetProperty("mean")), Floats(cfg.GetProperty("std")));
    }

    /// <summary>The <c>preprocessing</c> metadata models/convert.py writes.</summary>
    public static EvalTransform FromMetadata(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            return new EvalTransform(
                r.GetProperty("resize_shorter").GetInt32(), r.GetProperty("crop_height").GetInt32(), r.GetProperty("crop_width").GetInt32(),
                ParseInterpolation(r.GetProperty("interpolation").GetString()), Floats(r.GetProperty("mean")), Floats(r.GetProperty("std")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"the file's 'preprocessing' metadata is malformed ({e.Message.Split('\n')[0]})");
        }
    }

    static ResizeInterpolation ParseInterpolation(string? s) => s?.ToLowerInvariant() switch
    {
        "bilinear" => ResizeInterpolation.Bilinear,
        "bicubic" => ResizeInterpolation.Bicubic,
        "nearest" => ResizeInterpolation.Nearest,
        _ => throw new FormatException($"unknown interpolation '{s}'"),
    };

    static float[] Floats(JsonElement a) => a.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();

    public static IReadOnlyList<string>? LabelsFromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("labels", out var json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
        }
        catch (JsonException) { throw new ModelFormatException("the file's 'labels' metadata is not a JSON list of strings"); }
    }

    public static string Describe(EvalTransform t) => string.Create(CultureInfo.InvariantCulture,
        $"resize {t.ResizeShorter} {t.Interpolation}, crop {t.CropHeight}x{t.CropWidth}");
}
