using System.Globalization;
using MobileNets.Detection.Postprocessing;
using MobileNets.Weights;

namespace MobileNets.Detection.Tests;

/// <summary>One torchvision reference run (tools/reference/make_head_fixtures.py).</summary>
public sealed record DetectionCase(string Case, string Weights, string Io)
{
    public override string ToString() => Case;
}

/// <summary>What torchvision produced for one image.</summary>
internal sealed record ReferenceImage(float[] Input, int Height, int Width, float[] BoxRegression, float[] ClassLogits, float[] Boxes, float[] Scores, long[] Labels);

internal static class DetectionFixtures
{
    public static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    public static TheoryData<DetectionCase> Cases => new(
        new DetectionCase("ssdlite320_mobilenet_v3_large", "ssdlite320_mobilenet_v3_large.safetensors", "ssdlite320_mobilenet_v3_large.io.safetensors"),
        new DetectionCase("ssdlite320_mobilenet_v3_large.thresh", "ssdlite320_mobilenet_v3_large.safetensors", "ssdlite320_mobilenet_v3_large.thresh.io.safetensors"));

    /// <summary>The post-processing settings the reference ran with (its metadata).</summary>
    public static DetectionSettings Settings(SafeTensorsFile io) => new(
        float.Parse(io.Metadata["score_thresh"], CultureInfo.InvariantCulture),
        double.Parse(io.Metadata["nms_thresh"], CultureInfo.InvariantCulture),
        int.Parse(io.Metadata["topk_candidates"], CultureInfo.InvariantCulture),
        int.Parse(io.Metadata["detections_per_img"], CultureInfo.InvariantCulture));

    public static List<ReferenceImage> Images(SafeTensorsFile io)
    {
        var input = io.Get("input");
        int n = input.Shape[0], h = input.Shape[2], w = input.Shape[3];
        var x = io.ReadFloat32(input);
        var reg = io.ReadFloat32("bbox_regression");
        var cls = io.ReadFloat32("cls_logits");
        int regPer = reg.Length / n, clsPer = cls.Length / n, imagePer = 3 * h * w;
        var images = new List<ReferenceImage>();
        for (int i = 0; i < n; i++)
        {
            var labelBytes = io.ReadBytes(io.Get($"labels.{i}"));
            var labels = new long[labelBytes.Length / 8];
            Buffer.BlockCopy(labelBytes, 0, labels, 0, labelBytes.Length);
            images.Add(new ReferenceImage(x.AsSpan(i * imagePer, imagePer).ToArray(), h, w,
                reg.AsSpan(i * regPer, regPer).ToArray(), cls.AsSpan(i * clsPer, clsPer).ToArray(),
                io.ReadFloat32($"boxes.{i}"), io.ReadFloat32($"scores.{i}"), labels));
        }
        return images;
    }

    /// <summary>max |a - b| / max |b|.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        Assert.True(scale > 0, "reference is all zeros");
        return maxDiff / scale;
    }
}
