using MobileNets.Imaging;

namespace MobileNets.Tests.Imaging;

/// <summary>
/// Resize / CenterCrop / ToTensor+Normalize against PIL 9.4 and torchvision 0.14. Resize is expected
/// to be bit-identical to PIL's uint8 output; full pipelines are held to mean |diff| &lt;= 0.01 and
/// max |diff| &lt;= 0.15 in normalized units.
/// </summary>
public class TransformTests(ITestOutputHelper output)
{
    private const double MaxMeanNormalized = 0.01, MaxAbsNormalized = 0.15;

    public static TheoryData<string> ResizeCases
    {
        get
        {
            var d = new TheoryData<string>();
            foreach (var k in ImagingFixtures.Transforms.Tensors.Keys.Where(k => k.StartsWith("resize|", StringComparison.Ordinal)).Order(StringComparer.Ordinal)) d.Add(k);
            return d;
        }
    }

    [Theory]
    [MemberData(nameof(ResizeCases))]
    public void ResizeIsBitIdenticalToPil(string key)
    {
        string[] p = key.Split('|'); // resize|file|WxH|Interp
        int[] size = p[2].Split('x').Select(int.Parse).ToArray();
        RgbImage src = ImageDecoder.DecodeFile(ImagingFixtures.Input(p[1]));
        RgbImage ours = ImageTransforms.Resize(src, size[0], size[1], Enum.Parse<ResizeInterpolation>(p[3]));
        var reference = ImagingFixtures.Transforms[key];
        Assert.Equal([size[1], size[0], 3], reference.Shape);
        var (max, _) = ImagingFixtures.Diff(ours.Pixels, reference.Bytes);
        Assert.All(max, m => Assert.Equal(0, m));
    }

    public static TheoryData<string> PipelineCases
    {
        get
        {
            var d = new TheoryData<string>();
            foreach (var k in ImagingFixtures.Transforms.Metadata.Keys.Where(k => k.Contains('|')).Order(StringComparer.Ordinal)) d.Add(k);
            return d;
        }
    }

    /// <summary>Synthetic images (progressive, odd-sized, gray, palette, 16-bit interlaced, EXIF-rotated) through torchvision pipelines.</summary>
    [Theory]
    [MemberData(nameof(PipelineCases))]
    public void SyntheticPipelineMatchesTorchvision(string key)
    {
        var store = ImagingFixtures.Transforms;
        EvalTransform t = ImagingFixtures.ParseConfig(store.Metadata[key]);
        RgbImage src = ImageDecoder.DecodeFile(ImagingFixtures.Input(key.Split('|')[0]));

        RgbImage prepared = t.Prepare(src);
        var prepRef = store["prep|" + key];
        Assert.Equal([t.CropHeight, t.CropWidth, 3], prepRef.Shape);
        var (maxLevels, _) = ImagingFixtures.Diff(prepared.Pixels, prepRef.Bytes);

        float[] ours = t.Apply(src);
        var (max, mean) = Compare(ours, store["tensor|" + key].Floats);
        output.WriteLine($"{key}: uint8 max {maxLevels.Max()}; tensor max {max:F5} mean {mean:F6}");
        Assert.True(mean <= MaxMeanNormalized && max <= MaxAbsNormalized, $"tensor differs from torchvision: max {max}, mean {mean}");
        Assert.All(maxLevels, m => Assert.Equal(0, m)); // same decode + PIL-exact resize => identical bytes
    }

    public static TheoryData<string> PhotoCases
    {
        get
        {
            var d = new TheoryData<string>();
            foreach (var k in ImagingFixtures.Photos.Tensors.Keys.Where(k => k.Contains("|prep|")).Order(StringComparer.Ordinal)) d.Add(k);
            return d;
        }
    }

    /// <summary>The shared photos through torchvision's preset and timm / whole-image / nearest variants.</summary>
    [Theory]
    [MemberData(nameof(PhotoCases))]
    public void PhotoPipelineMatchesTorchvision(string key)
    {
        string[] p = key.Split('|'); // photo|prep|config
        string path = ImagingFixtures.RequirePhoto(p[0]);
        var store = ImagingFixtures.Photos;
        EvalTransform t = ImagingFixtures.ParseConfig(store.Metadata[p[2]]);
        RgbImage src = ImageDecoder.DecodeFile(path);
        RgbImage prepared = t.Prepare(src);
        var reference = store[key];
        Assert.Equal([t.CropHeight, t.CropWidth, 3], reference.Shape);

        // Normalized-unit comparison: the reference tensor is ToTensor+Normalize of PIL's prepared image.
        var refTensor = new float[3 * t.CropHeight * t.CropWidth];
        ImageTransforms.ToTensor(new RgbImage(t.CropWidth, t.CropHeight, reference.Bytes), t.Mean, t.Std, refTensor);
        var (max, mean) = Compare(t.Apply(src), refTensor);
        var (levels, _) = ImagingFixtures.Diff(prepared.Pixels, reference.Bytes);
        output.WriteLine($"{key}: uint8 max {levels.Max()}; normalized max {max:F5} mean {mean:F6}");
        Assert.True(mean <= MaxMeanNormalized && max <= MaxAbsNormalized, $"max {max}, mean {mean}");

        if (store.Tensors.TryGetValue($"{p[0]}|tensor|{p[2]}", out var torchTensor))
        {
            // torchvision's own float tensor (stored as F16): checks ToTensor/Normalize arithmetic too.
            var (tmax, tmean) = Compare(t.Apply(src), torchTensor.Floats);
            output.WriteLine($"{p[0]} vs torch tensor: max {tmax:F5} mean {tmean:F6}");
            Assert.True(tmean <= MaxMeanNormalized && tmax <= MaxAbsNormalized, $"max {tmax}, mean {tmean}");
        }
    }

    [Theory]
    [InlineData(640, 480, 256, 341, 256)]
    [InlineData(480, 640, 256, 256, 341)]
    [InlineData(256, 256, 256, 256, 256)]
    [InlineData(300, 1000, 224, 224, 746)]
    [InlineData(17, 13, 32, 41, 32)]
    public void ShorterSideSizeFollowsTorchvision(int w, int h, int size, int ew, int eh) =>
        Assert.Equal((ew, eh), ImageTransforms.ShorterSideSize(w, h, size));

    [Theory]
    [InlineData(10, 10, 7, 7, 2, 2)]   // (10 - 7) / 2 = 1.5 -> round half to even = 2
    [InlineData(11, 11, 6, 6, 2, 2)]   // 2.5 -> 2
    [InlineData(13, 9, 6, 6, 4, 2)]    // 3.5 -> 4, 1.5 -> 2
    [InlineData(5, 5, 8, 8, -1, -1)]   // padded: left/top (8 - 5) // 2 = 1
    [InlineData(5, 20, 8, 8, -1, 6)]   // padded horizontally only
    public void CenterCropOriginFollowsTorchvision(int w, int h, int cw, int ch, int left, int top) =>
        Assert.Equal((left, top), ImageTransforms.CropOrigin(w, h, cw, ch));

    [Fact]
    public void CenterCropPadsWithZeros()
    {
        var img = new RgbImage(2, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        RgbImage c = ImageTransforms.CenterCrop(img, 3, 4);
        // torchvision pads left 1, right 1, top 0, bottom 1.
        byte[] expected =
        [
            0, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0, 0,
            0, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        Assert.Equal(expected, c.Pixels);
    }

    [Fact]
    public void PresetsFollowTorchvisionAndTimm()
    {
        var tv = EvalTransform.Torchvision;
        Assert.Equal((256, 224, 224, ResizeInterpolation.Bilinear), (tv.ResizeShorter, tv.CropHeight, tv.CropWidth, tv.Interpolation));
        Assert.Equal([0.485f, 0.456f, 0.406f], tv.Mean);
        Assert.Equal([0.229f, 0.224f, 0.225f], tv.Std);
        Assert.Equal(256, EvalTransform.Timm(224, 0.875, ResizeInterpolation.Bicubic, tv.Mean, tv.Std).ResizeShorter);
        Assert.Equal(235, EvalTransform.Timm(224, 0.95, ResizeInterpolation.Bicubic, tv.Mean, tv.Std).ResizeShorter);
        Assert.Equal(252, EvalTransform.Timm(240, 0.95, ResizeInterpolation.Bicubic, tv.Mean, tv.Std).ResizeShorter);
        Assert.Equal(224, EvalTransform.Timm(224, 1.0, ResizeInterpolation.Bilinear, tv.Mean, tv.Std).ResizeShorter);
        var whole = EvalTransform.WholeImage(192, 160, ResizeInterpolation.Bilinear, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
        Assert.Equal((0, 192, 160), (whole.ResizeShorter, whole.CropHeight, whole.CropWidth));
    }

    [Fact]
    public void ApplyIntoBatchSlotEqualsApply()
    {
        RgbImage src = ImageDecoder.DecodeFile(ImagingFixtures.Input("jpeg_420.jpg"));
        var t = new EvalTransform(40, 32, 24, ResizeInterpolation.Bicubic, EvalTransform.ImageNetMean, EvalTransform.ImageNetStd);
        float[] single = t.Apply(src);
        var batch = new float[3 * single.Length];
        t.Apply(src, batch.AsSpan(single.Length, single.Length));
        Assert.Equal(single, batch.AsSpan(single.Length, single.Length).ToArray());
        Assert.All(batch.AsSpan(0, single.Length).ToArray(), v => Assert.Equal(0f, v));
        // Channel planes R, G, B: pixel (0, 0) red sample normalised.
        RgbImage prepared = t.Prepare(src);
        Assert.Equal((prepared.Pixels[0] / 255f - 0.485f) / 0.229f, single[0]);
        Assert.Equal((prepared.Pixels[1] / 255f - 0.456f) / 0.224f, single[32 * 24]);
    }

    private static (double Max, double Mean) Compare(float[] ours, float[] reference)
    {
        Assert.Equal(reference.Length, ours.Length);
        double max = 0, sum = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double d = Math.Abs(ours[i] - reference[i]);
            sum += d;
            max = Math.Max(max, d);
        }
        return (max, sum / ours.Length);
    }
}
