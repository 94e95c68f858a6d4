using MobileNets.Imaging;

namespace MobileNets.Tests.Imaging;

/// <summary>
/// JPEG decoding against PIL 9.4 / libjpeg-turbo 2.1 (islow IDCT, fancy upsampling, jdcolor.c tables).
/// Bar: every channel within 3 levels of PIL and mean absolute difference below 0.1 level.
/// </summary>
public class JpegDecoderTests(ITestOutputHelper output)
{
    private const int MaxLevels = 3;
    private const double MaxMean = 0.1;

    public static TheoryData<string> SyntheticJpegs => ImagingFixtures.InputData("jpeg_");

    [Theory]
    [MemberData(nameof(SyntheticJpegs))]
    public void SyntheticJpegMatchesPil(string name)
    {
        RgbImage img = ImageDecoder.DecodeFile(ImagingFixtures.Input(name));
        var reference = ImagingFixtures.Decoded[name];
        Assert.Equal([img.Height, img.Width, 3], reference.Shape);
        var (max, mean) = ImagingFixtures.Diff(img.Pixels, reference.Bytes);
        output.WriteLine($"{name} {img.Width}x{img.Height}: max |diff| per channel {string.Join('/', max)}, mean {string.Join('/', mean.Select(m => m.ToString("F4")))}");
        Assert.All(max, m => Assert.InRange(m, 0, MaxLevels));
        Assert.All(mean, m => Assert.True(m < MaxMean, $"mean |diff| {m} >= {MaxMean}"));
    }

    public static TheoryData<string> Photos => ImagingFixtures.PhotoData();

    /// <summary>
    /// The shared photos (JPEG and BMP): exact bar on two stored crops (centre and the bottom-right
    /// corner, where partial MCUs and edge replication live), and on the whole image through the
    /// stored per-row and per-column sums: sum over rows of |row-sum difference| / pixels is a lower
    /// bound of the mean absolute difference, so it must stay below 0.1 as well.
    /// </summary>
    [Theory]
    [MemberData(nameof(Photos))]
    public void SharedPhotoMatchesPil(string name)
    {
        string path = ImagingFixtures.RequirePhoto(name);
        RgbImage img = ImageDecoder.DecodeFile(path);
        var store = ImagingFixtures.Photos;
        int[] rowSums = ImagingFixtures.Int32s(store[$"{name}|rowsum"]);
        int[] colSums = ImagingFixtures.Int32s(store[$"{name}|colsum"]);
        Assert.Equal(img.Height * 3, rowSums.Length);
        Assert.Equal(img.Width * 3, colSums.Length);

        var ourRows = new long[img.Height * 3];
        var ourCols = new long[img.Width * 3];
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                for (int c = 0; c < 3; c++)
                {
                    byte v = img.Pixels[(y * img.Width + x) * 3 + c];
                    ourRows[y * 3 + c] += v;
                    ourCols[x * 3 + c] += v;
                }
        double pixels = (double)img.Width * img.Height;
        for (int c = 0; c < 3; c++)
        {
            double rowBound = 0, colBound = 0;
            for (int y = 0; y < img.Height; y++) rowBound += Math.Abs(ourRows[y * 3 + c] - rowSums[y * 3 + c]);
            for (int x = 0; x < img.Width; x++) colBound += Math.Abs(ourCols[x * 3 + c] - colSums[x * 3 + c]);
            output.WriteLine($"{name} channel {c}: row-sum bound {rowBound / pixels:F5}, column-sum bound {colBound / pixels:F5}");
            Assert.True(rowBound / pixels < MaxMean && colBound / pixels < MaxMean, $"channel {c}: whole-image sums differ from PIL beyond the mean bar");
        }

        foreach (var (key, t) in store.Tensors.Where(kv => kv.Key.StartsWith($"{name}|crop|", StringComparison.Ordinal)))
        {
            int[] at = key.Split('|')[2].Split(',').Select(int.Parse).ToArray();
            int h = t.Shape[0], w = t.Shape[1];
            var ours = new byte[h * w * 3];
            for (int y = 0; y < h; y++)
                img.Pixels.AsSpan(((at[1] + y) * img.Width + at[0]) * 3, w * 3).CopyTo(ours.AsSpan(y * w * 3));
            var (max, mean) = ImagingFixtures.Diff(ours, t.Bytes);
            output.WriteLine($"{key}: max {string.Join('/', max)}, mean {string.Join('/', mean.Select(m => m.ToString("F4")))}");
            Assert.All(max, m => Assert.InRange(m, 0, MaxLevels));
            Assert.All(mean, m => Assert.True(m < MaxMean));
        }
    }

    [Fact]
    public void ExifOrientationCanBeIgnored()
    {
        var options = new ImageDecodeOptions { ApplyExifOrientation = false };
        RgbImage upright = ImageDecoder.DecodeFile(ImagingFixtures.Input("jpeg_exif_orientation_1.jpg"));
        for (int o = 2; o <= 8; o++)
        {
            byte[] data = File.ReadAllBytes(ImagingFixtures.Input($"jpeg_exif_orientation_{o}.jpg"));
            RgbImage raw = ImageDecoder.Decode(data, options);
            Assert.Equal(upright.Pixels, raw.Pixels); // same pixels, only the tag differs
            RgbImage turned = ImageDecoder.Decode(data);
            Assert.Equal(o >= 5 ? (upright.Height, upright.Width) : (upright.Width, upright.Height), (turned.Width, turned.Height));
        }
    }

    [Theory]
    [InlineData(0xC3, "lossless")]
    [InlineData(0xC9, "arithmetic")]
    [InlineData(0xC5, "hierarchical")]
    public void RefusesUnsupportedProcesses(int sof, string expected)
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("jpeg_444.jpg"));
        int at = FindMarker(data, 0xC0);
        data[at + 1] = (byte)sof;
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Refuses12BitPrecision()
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("jpeg_444.jpg"));
        data[FindMarker(data, 0xC0) + 4] = 12;
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data));
        Assert.Contains("12-bit", e.Message);
    }

    [Theory]
    [InlineData("jpeg_420.jpg")]
    [InlineData("jpeg_444_progressive.jpg")]
    [InlineData("jpeg_420_restart_blocks.jpg")]
    public void TruncatedScanIsReported(string name)
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input(name));
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data.AsSpan(0, data.Length * 2 / 3)));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void PixelLimitIsCheckedBeforeAllocating()
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("jpeg_444.jpg"));
        int sof = FindMarker(data, 0xC0);
        data[sof + 5] = 0xFF; data[sof + 6] = 0xF0; // height 65520
        data[sof + 7] = 0xFF; data[sof + 8] = 0xF0; // width 65520: 4.3 G pixels
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("100000000", e.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes before refusing");

        byte[] small = File.ReadAllBytes(ImagingFixtures.Input("jpeg_444.jpg"));
        e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(small, new ImageDecodeOptions { MaxPixels = 1000 }));
        Assert.Contains("MaxPixels limit of 1000", e.Message);
    }

    /// <summary>A 600-byte file declaring 10000x10000 (under MaxPixels) is refused before any decoding work.</summary>
    [Fact]
    public void DeclaredSizeIsBoundedByTheDataSize()
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("jpeg_444.jpg"));
        int sof = FindMarker(data, 0xC0);
        data[sof + 5] = 0x27; data[sof + 6] = 0x10; // height 10000
        data[sof + 7] = 0x27; data[sof + 8] = 0x10; // width 10000
        int sos = FindMarker(data, 0xDA);
        byte[] bomb = [.. data.AsSpan(0, sos + 40), 0xFF, 0xD9];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(bomb));
        Assert.Contains("bytes of entropy-coded data", e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    private static int FindMarker(byte[] data, int marker)
    {
        for (int i = 2; i + 1 < data.Length; i++)
            if (data[i] == 0xFF && data[i + 1] == marker) return i;
        throw new InvalidOperationException($"marker {marker:X2} not found");
    }
}
