using MobileNets.Imaging;
using System.Text.RegularExpressions;
using MobileNets.Architectures;
using MobileNets.Hub;

namespace MobileNets.Tests.Hub;

/// <summary>The catalog's data: names, URLs, pins and preprocessing against torchvision's and timm's sources.</summary>
public partial class ModelCatalogTests
{
    [GeneratedRegex("^[0-9a-f]{64}$")] private static partial Regex Sha256Hex();
    [GeneratedRegex("^[0-9a-f]{8}$")] private static partial Regex PrefixHex();

    [Fact]
    public void NamesAreUniqueAndUrlsAreHttps()
    {
        var names = ModelHub.Catalog.Select(e => e.Name.ToLowerInvariant()).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(ModelHub.Catalog, e => Assert.StartsWith("https://", e.Url));
        Assert.All(ModelHub.Catalog, e => Assert.Contains(Path.GetExtension(e.FileName), new[] { ".safetensors", ".pth", ".tflite" }));
    }

    [Fact]
    public void PinsAreWellFormed()
    {
        Assert.All(ModelHub.Catalog.Where(e => e.Sha256 != null), e => Assert.Matches(Sha256Hex(), e.Sha256!));
        Assert.All(ModelHub.Catalog.Where(e => e.Sha256Prefix != null), e => Assert.Matches(PrefixHex(), e.Sha256Prefix!));
        Assert.All(ModelHub.Catalog.Where(e => e.Sha256 != null), e => Assert.NotNull(e.Size));
    }

    [Fact]
    public void TorchvisionEntriesFollowTheirWeightsEnums()
    {
        var v2 = ModelHub.Find("mobilenet_v3_large.IMAGENET1K_V2");
        Assert.Equal("https://download.pytorch.org/models/mobilenet_v3_large-5c1a4163.pth", v2.Url);
        Assert.Equal("5c1a4163", v2.Sha256Prefix);
        Assert.Equal((232, 224, ResizeInterpolation.Bilinear), (v2.Transform.ResizeShorter, v2.Transform.CropHeight, v2.Transform.Interpolation));
        Assert.Equal(EvalTransform.ImageNetMean, v2.Transform.Mean);
        Assert.Equal(256, ModelHub.Find("mobilenet_v2.IMAGENET1K_V1").Transform.ResizeShorter);
        Assert.Equal("mobilenet_v3_large.IMAGENET1K_V2", ModelHub.Find("mobilenet_v3_large").Name);
        Assert.Equal("mobilenet_v3_small.IMAGENET1K_V1", ModelHub.Find("mobilenet_v3_small.DEFAULT").Name);
        Assert.Equal("mobilenet_v3_large.IMAGENET1K_V2.pth", v2.FileName);
    }

    [Fact]
    public void TimmEntriesFollowTheirPretrainedCfgs()
    {
        var ra = ModelHub.Find("mobilenetv3_large_100.ra_in1k");
        Assert.Equal("https://huggingface.co/timm/mobilenetv3_large_100.ra_in1k/resolve/main/model.safetensors", ra.Url);
        Assert.Equal((256, 224, ResizeInterpolation.Bicubic), (ra.Transform.ResizeShorter, ra.Transform.CropHeight, ra.Transform.Interpolation));

        // input_size 256, crop_pct 0.95, bicubic, Inception mean/std: resize floor(256 / 0.95) = 269
        var v4 = ModelHub.Find("mobilenetv4_conv_small.e3600_r256_in1k");
        Assert.Equal((269, 256, ResizeInterpolation.Bicubic), (v4.Transform.ResizeShorter, v4.Transform.CropHeight, v4.Transform.Interpolation));
        Assert.Equal([0.5f, 0.5f, 0.5f], v4.Transform.Std);

        var tf = ModelHub.Find("tf_mobilenetv3_small_100.in1k");
        Assert.Equal(ResizeInterpolation.Bilinear, tf.Transform.Interpolation);
        Assert.Equal("mobilenetv2_100.ra_in1k", ModelHub.Find("mobilenetv2_100").Name);
    }

    [Fact]
    public void QuantizedTfliteEntriesArePinnedToACommit()
    {
        var q = ModelHub.Find("mobilenet_v2_1.0_224_quant");
        Assert.Matches("/raw/[0-9a-f]{40}/mobilenet_v2_1.0_224_quant.tflite$", q.Url);
        Assert.Equal(3610798, q.Size);
        Assert.Equal(LabelSet.ImageNet1001, q.Labels);
        Assert.Equal(LabelSet.Voc, ModelHub.Find("deeplabv3_mnv2_pascal_quant").Labels);
    }

    /// <summary>Only models the library can load: TFLite's SSD (custom post-processing operator) is not listed.</summary>
    [Fact]
    public void UnloadableModelsAreNotListed() =>
        Assert.False(ModelHub.TryFind("ssd_mobilenet_v2_coco_quant_postprocess", out _));

    /// <summary>The README's list of pinned entries is the catalog's.</summary>
    [Fact]
    public void ReadmeNamesExactlyThePinnedEntries()
    {
        var readme = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot(), "README.md"));
        string line = Assert.Single(readme, l => l.StartsWith("- **Pinned**", StringComparison.Ordinal));
        var named = Regex.Matches(line, "`([^`]+)`").Select(m => m.Groups[1].Value).Order().ToList();
        Assert.Equal(ModelHub.Catalog.Where(e => e.IsHashPinned).Select(e => e.Name).Order().ToList(), named);
    }

    /// <summary>V1 and V4 builders are developed on another branch; every other id must load here.</summary>
    [Fact]
    public void TorchvisionAndTimmV2V3ArchitecturesAreRegistered()
    {
        var ids = ModelHub.Catalog.Where(e => !e.Url.EndsWith(".tflite") && !e.Architecture.StartsWith("mobilenetv1") && !e.Architecture.StartsWith("mobilenetv4"))
            .Select(e => e.Architecture).Distinct().ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(ArchitectureRegistry.TryFind(id, out _), $"architecture '{id}' is not registered"));
    }

    [Fact]
    public void UnknownNameSuggestsNearNames()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelHub.Find("mobilenetv3_large_100.nope"));
        Assert.Contains("did you mean", e.Message);
        Assert.Contains("mobilenetv3_large_100.ra_in1k", e.Message);
    }
}
