using MobileNets.Imaging;
using MobileNets.Tests.Hardening;

namespace MobileNets.Tests.Imaging;

/// <summary>
/// Seeded mutations of each decoder's inputs through the shared <see cref="ByteMutator"/> (bit flips,
/// truncation, inflated fields, swapped, duplicated and dropped chunks: PNG chunks with their CRCs
/// repaired, JPEG segments, BMP headers, PNM tokens) under the shared <see cref="FuzzRunner{TException}"/>
/// contract: only <see cref="ImageFormatException"/> may escape, every input settles within 2 s, and
/// no decode allocates more than the file's size and the pixel limit allow.
/// </summary>
public class DecoderFuzzTests
{
    /// <summary>A low pixel limit keeps inflated-dimension cases fast and makes the allocation bound tight; every seed is below it.</summary>
    static readonly ImageDecodeOptions Options = new() { MaxPixels = 1 << 16 };

    /// <summary>
    /// Bytes a decoder may hold per pixel of the limit: the RGB output (3), a rotated copy (3),
    /// a 16-bit RGBA PNG's inflated rows and their growth buffer (2 x 8), a progressive JPEG's
    /// coefficients (3 components x 2 bytes) with MCU padding; rounded up.
    /// </summary>
    const long BytesPerPixel = 48;

    [Theory]
    [InlineData("jpeg", new[] { "jpeg_420.jpg", "jpeg_444_progressive_restart.jpg", "jpeg_420_restart1_separate_scans.jpg", "jpeg_gray_progressive.jpg", "jpeg_exif_orientation_6.jpg" })]
    [InlineData("png", new[] { "png_rgb8.png", "png_palette4_trns.png", "png_rgba16_adam7.png", "png_gray2_adam7.png" })]
    [InlineData("bmp", new[] { "bmp_24.bmp", "bmp_4.bmp", "bmp_16_565_bitfields.bmp", "bmp_32_bitfields_v5_rgba.bmp" })]
    [InlineData("pnm", new[] { "pnm_p6.ppm", "pnm_p5_16bit.pgm", "pnm_p4.pbm", "pnm_p6_maxval7.ppm" })]
    public void MutatedInputsOnlyRaiseImageFormatException(string format, string[] seeds)
    {
        var mutators = seeds.Select(s =>
        {
            var bytes = File.ReadAllBytes(ImagingFixtures.Input(s));
            ImageDecoder.Decode(bytes, Options);   // the seed itself is within the limit
            var layout = ImageLayouts.For(format, bytes);
            Assert.True(layout.Chunks.Count >= 3, $"{s}: only {layout.Chunks.Count} chunks found, so little to swap");
            return new ByteMutator(bytes, layout);
        }).ToArray();
        var stats = FuzzRunner<ImageFormatException>.Run(format, 300, seed: format.Sum(c => c) * 7919,
            r => mutators[r.Next(mutators.Length)].Mutate(r), ParserAttempts.Image(Options),
            length => FuzzSettings.AllocationBound(length, BytesPerPixel * Options.MaxPixels));
        Assert.True(stats.Refused > stats.Iterations / 10, $"only {stats.Refused} of {stats.Iterations} rejected: the fuzzer is not reaching the validation paths");
    }
}
