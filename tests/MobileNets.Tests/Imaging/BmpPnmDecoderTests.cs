using MobileNets.Imaging;

namespace MobileNets.Tests.Imaging;

/// <summary>BMP and PNM decoding against PIL's convert('RGB'), exact.</summary>
public class BmpPnmDecoderTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files
    {
        get
        {
            var d = ImagingFixtures.InputData("bmp_");
            foreach (var n in ImagingFixtures.Inputs("pnm_")) d.Add(n);
            return d;
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void MatchesPilExactly(string name)
    {
        RgbImage img = ImageDecoder.DecodeFile(ImagingFixtures.Input(name));
        var reference = ImagingFixtures.Decoded[name];
        Assert.Equal([img.Height, img.Width, 3], reference.Shape);
        if (ImagingFixtures.Decoded.Metadata.TryGetValue("note:" + name, out var note)) output.WriteLine($"{name}: {note}");
        var (max, _) = ImagingFixtures.Diff(img.Pixels, reference.Bytes);
        Assert.All(max, m => Assert.Equal(0, m));
    }

    [Fact]
    public void RleBmpIsRefusedClearly()
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("bmp_8.bmp"));
        data[14 + 16] = 1; // biCompression = BI_RLE8
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data));
        Assert.Contains("RLE", e.Message);
    }

    [Theory]
    [InlineData("bmp_24.bmp")]
    [InlineData("pnm_p6.ppm")]
    [InlineData("pnm_p5_16bit.pgm")]
    public void TruncatedPixelDataIsReported(string name)
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input(name));
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data.AsSpan(0, data.Length - 5)));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void PnmHeaderLimitsAreChecked()
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode("P6\n60000 60000\n255\n"u8));
        Assert.Contains("MaxPixels limit of 100000000", e.Message);
        e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode("P5 2 2 70000\n"u8));
        Assert.Contains("maxval", e.Message);
    }
}
