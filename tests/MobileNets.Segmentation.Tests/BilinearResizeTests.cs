using MobileNets.Kernels;

namespace MobileNets.Segmentation.Tests;

/// <summary>The bilinear kernel against values torch 1.13 computes (F.interpolate, align_corners=False).</summary>
public sealed class BilinearResizeTests
{
    static float[] Resize(float[] x, int h, int w, int c, int oh, int ow)
    {
        var y = new float[oh * ow * c];
        BilinearResize.Run(x, h, w, c, y, oh, ow);
        return y;
    }

    [Fact]
    public void Upsampling_2x2_to_4x4_matches_torch()
    {
        // torch: F.interpolate(tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4), mode="bilinear", align_corners=False)
        float[] expected = [1f, 1.25f, 1.75f, 2f, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3f, 3.25f, 3.75f, 4f];
        Assert.Equal(expected, Resize([1, 2, 3, 4], 2, 2, 1, 4, 4));
    }

    [Fact]
    public void Downsampling_samples_between_pixels()
    {
        // 5 -> 3: sources at 1/3, 2, 11/3 of a ramp 0..4.
        var y = Resize([0, 1, 2, 3, 4], 1, 5, 1, 1, 3);
        Assert.Equal(1f / 3, y[0], 1e-6f);
        Assert.Equal(2f, y[1]);
        Assert.Equal(11f / 3, y[2], 1e-6f);
    }

    [Fact]
    public void Channels_are_interpolated_independently_and_same_size_is_identity()
    {
        float[] x = [1, 10, 2, 20, 3, 30, 4, 40];   // 2x2, 2 channels
        var y = Resize(x, 2, 2, 2, 4, 4);
        for (int p = 0; p < 16; p++) Assert.Equal(10 * y[2 * p], y[2 * p + 1], 1e-5f);
        Assert.Equal(x, Resize(x, 2, 2, 2, 2, 2));
    }

    [Fact]
    public void Weights_take_the_fraction_before_rounding_the_source_index()
    {
        // torch 1.13, 141 -> 320 on a ramp: output 204 is 89.60781490881 (float scale 141/320, src in double);
        // rounding src to float first would give 89.60781860.
        var ramp = Enumerable.Range(0, 141).Select(i => (float)i).ToArray();
        var y = Resize(ramp, 1, 141, 1, 1, 320);
        Assert.Equal(89.60781490881, y[204], 5e-6);
        Assert.Equal(0.16093751788139343, y[1], 1e-8);
        Assert.Equal(140f, y[319]);   // past the last pixel: both taps on it
    }
}
