using MobileNets.Imaging;

namespace MobileNets.Tests.Imaging;

/// <summary>Format sniffing, entry points and the raw-pixel helper.</summary>
public class ImageDecoderTests
{
    [Fact]
    public void UnknownAndEmptyInputAreReported()
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode("GIF89a........"u8));
        Assert.Contains("unrecognised image format", e.Message);
        e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(ReadOnlySpan<byte>.Empty));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void StreamFileAndSpanAgree()
    {
        string path = ImagingFixtures.Input("jpeg_420.jpg");
        byte[] data = File.ReadAllBytes(path);
        RgbImage a = ImageDecoder.Decode(data);
        using var s = File.OpenRead(path);
        Assert.Equal(a.Pixels, ImageDecoder.Decode(s).Pixels);
        Assert.Equal(a.Pixels, ImageDecoder.DecodeFile(path).Pixels);
        Assert.Equal(3 * a.Width * a.Height, a.Pixels.Length);
    }

    [Theory]
    [InlineData(PixelFormat.Rgb24, 3)]
    [InlineData(PixelFormat.Bgr24, 3)]
    [InlineData(PixelFormat.Rgba32, 4)]
    [InlineData(PixelFormat.Bgra32, 4)]
    public void FromPixelsHandlesLayoutAndStride(PixelFormat format, int bpp)
    {
        const int w = 5, h = 3, stride = 5 * 4 + 7;
        var src = new byte[stride * h];
        var expected = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                byte r = (byte)(10 * x + y), g = (byte)(100 + x), b = (byte)(200 + y);
                int s = y * stride + x * bpp;
                bool bgr = format is PixelFormat.Bgr24 or PixelFormat.Bgra32;
                src[s] = bgr ? b : r;
                src[s + 1] = g;
                src[s + 2] = bgr ? r : b;
                if (bpp == 4) src[s + 3] = 77;
                expected[(y * w + x) * 3] = r;
                expected[(y * w + x) * 3 + 1] = g;
                expected[(y * w + x) * 3 + 2] = b;
            }
        RgbImage img = ImageDecoder.FromPixels(src, w, h, stride, format);
        Assert.Equal(expected, img.Pixels);
        Assert.Throws<ArgumentException>(() => ImageDecoder.FromPixels(src.AsSpan(0, stride * 2), w, h, stride, format));
    }
}
