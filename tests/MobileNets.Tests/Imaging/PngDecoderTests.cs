using System.Buffers.Binary;
using MobileNets.Imaging;

namespace MobileNets.Tests.Imaging;

/// <summary>PNG decoding (every colour type, bit depth, filter and Adam7) against PIL's convert('RGB'), exact.</summary>
public class PngDecoderTests(ITestOutputHelper output)
{
    public static TheoryData<string> Pngs => ImagingFixtures.InputData("png_");

    [Theory]
    [MemberData(nameof(Pngs))]
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
    public void CrcMismatchIsReported()
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("png_rgb8.png"));
        data[8 + 8 + 3] ^= 1; // a byte of IHDR's width
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data));
        Assert.Contains("CRC", e.Message);
    }

    [Fact]
    public void TruncatedFileIsReported()
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("png_rgb8.png"));
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data.AsSpan(0, data.Length / 2)));
        Assert.StartsWith("PNG:", e.Message);
    }

    [Fact]
    public void PixelLimitNamesTheLimit()
    {
        byte[] data = File.ReadAllBytes(ImagingFixtures.Input("png_rgb8.png"));
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data, new ImageDecodeOptions { MaxPixels = 100 }));
        Assert.Contains("MaxPixels limit of 100", e.Message);
    }

    [Fact]
    public void EncoderRoundTripsAndWritesValidChunks()
    {
        var rng = new Random(7);
        var img = new RgbImage(37, 11);
        rng.NextBytes(img.Pixels);
        byte[] png = PngEncoder.Encode(img);
        Assert.Equal(img.Pixels, ImageDecoder.Decode(png).Pixels); // the decoder verifies every CRC
        Assert.Equal(37, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(11, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

        string path = Path.Combine(Path.GetTempPath(), $"mobilenets-png-{Guid.NewGuid():N}.png");
        try
        {
            PngEncoder.Save(img, path);
            Assert.Equal(img.Pixels, ImageDecoder.DecodeFile(path).Pixels);
        }
        finally { File.Delete(path); }
    }
}
