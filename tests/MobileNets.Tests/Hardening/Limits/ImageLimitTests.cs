using MobileNets.Imaging;

namespace MobileNets.Tests.Hardening.Limits;

/// <summary>The decoders' settable limits, one step over and at what a real image needs, in every format.</summary>
public class ImageLimitTests
{
    static string Input(string name) => TestPaths.Fixtures("Imaging", "inputs", name);

    [Theory]
    [InlineData("jpeg_17x13_420.jpg")]
    [InlineData("png_rgb8.png")]
    [InlineData("bmp_24.bmp")]
    [InlineData("pnm_p6.ppm")]
    public void OnePixelOverTheLimitIsRefused(string file)
    {
        var bytes = File.ReadAllBytes(Input(file));
        var image = ImageDecoder.Decode(bytes);
        long pixels = (long)image.Width * image.Height;
        LimitAssert.RefusedOverAcceptedAt<ImageFormatException, ImageDecodeOptions>(o => ImageDecoder.Decode(bytes, o),
            new ImageDecodeOptions { MaxPixels = pixels - 1 }, new ImageDecodeOptions { MaxPixels = pixels }, "MaxPixels");
    }

    [Fact]
    public void StreamOneByteOverTheLimitIsRefused()
    {
        var bytes = File.ReadAllBytes(Input("png_rgb8.png"));
        LimitAssert.RefusedOverAcceptedAt<ImageFormatException, ImageDecodeOptions>(o => ImageDecoder.Decode(new MemoryStream(bytes), o),
            new ImageDecodeOptions { MaxBytes = bytes.Length - 1 }, new ImageDecodeOptions { MaxBytes = bytes.Length }, "MaxBytes");
    }
}
