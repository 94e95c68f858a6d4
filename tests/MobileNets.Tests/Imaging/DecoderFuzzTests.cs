using System.Diagnostics;
using MobileNets.Imaging;

namespace MobileNets.Tests.Imaging;

/// <summary>
/// Seeded mutation fuzzing of each decoder: bit flips, truncation and inflated length/size fields.
/// Only <see cref="ImageFormatException"/> may escape, and every input must finish within 2 s.
/// </summary>
public class DecoderFuzzTests
{
    private const int Iterations = 300;
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData("jpeg", new[] { "jpeg_420.jpg", "jpeg_444_progressive_restart.jpg", "jpeg_420_restart1_separate_scans.jpg", "jpeg_gray_progressive.jpg", "jpeg_exif_orientation_6.jpg" })]
    [InlineData("png", new[] { "png_rgb8.png", "png_palette4_trns.png", "png_rgba16_adam7.png", "png_gray2_adam7.png" })]
    [InlineData("bmp", new[] { "bmp_24.bmp", "bmp_4.bmp", "bmp_16_565_bitfields.bmp", "bmp_32_bitfields_v5_rgba.bmp" })]
    [InlineData("pnm", new[] { "pnm_p6.ppm", "pnm_p5_16bit.pgm", "pnm_p4.pbm", "pnm_p6_maxval7.ppm" })]
    public void MutatedInputsOnlyRaiseImageFormatException(string format, string[] seeds)
    {
        var rng = new Random(format.Sum(c => c) * 7919); // fixed seed per format: failures reproduce
        // A lower pixel limit keeps inflated-dimension cases fast while still exercising the check.
        var options = new ImageDecodeOptions { MaxPixels = 1 << 22 };
        var originals = seeds.Select(s => File.ReadAllBytes(ImagingFixtures.Input(s))).ToArray();
        int rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] original = originals[i % originals.Length];
            byte[] data = Mutate(original, rng);
            var sw = Stopwatch.StartNew();
            try
            {
                RgbImage img = ImageDecoder.Decode(data, options);
                Assert.Equal(img.Width * img.Height * 3, img.Pixels.Length);
            }
            catch (ImageFormatException e)
            {
                rejected++;
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                Assert.DoesNotContain('\n', e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail($"{format} iteration {i}: {e.GetType().Name} escaped: {e.Message}\n{e.StackTrace}");
            }
            Assert.True(sw.Elapsed < PerInputLimit, $"{format} iteration {i} took {sw.Elapsed.TotalSeconds:F2} s");
        }
        Assert.True(rejected > 0, "no mutation was rejected: the fuzzer is not reaching the validation paths");
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        byte[] d = (byte[])original.Clone();
        switch (rng.Next(4))
        {
            case 0: // bit flips anywhere
                for (int k = rng.Next(1, 9); k > 0; k--) d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
                return d;
            case 1: // truncation
                return d[..rng.Next(1, d.Length)];
            case 2: // inflate a 16- or 32-bit field in the headers (sizes, lengths, counts)
            {
                int at = rng.Next(Math.Min(d.Length - 4, 200));
                d[at] = 0xFF;
                d[at + 1] = (byte)rng.Next(256);
                if (rng.Next(2) == 0) { d[at + 2] = 0xFF; d[at + 3] = 0xFF; }
                return d;
            }
            default: // random bytes over a small header window plus a flip in the body
            {
                int at = rng.Next(Math.Min(d.Length - 8, 100));
                for (int k = 0; k < 8; k++) d[at + k] = (byte)rng.Next(256);
                d[rng.Next(d.Length)] ^= 0x80;
                return d;
            }
        }
    }
}
