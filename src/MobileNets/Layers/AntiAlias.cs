using MobileNets.Kernels;

namespace MobileNets.Layers;

/// <summary>
/// How a strided convolution is anti-aliased (timm <c>layers/blur_pool.py: create_aa</c>): the
/// convolution runs at stride 1 and one of these fixed depthwise pools takes the stride after the
/// activation. timm's reflect-padded <c>'blur'</c> is left out: no MobileNet id uses it.
/// </summary>
internal enum AntiAlias
{
    None,
    /// <summary><c>'avg'</c>: nn.AvgPool2d(stride), a stride x stride box without padding.</summary>
    Average,
    /// <summary><c>'blurpc'</c>: BlurPool2d(filt_size=3, pad_mode='constant'), binomial [1 2 1]/4 squared, zero padding 1.</summary>
    BlurZeroPad,
}

internal static class AntiAliasPool
{
    /// <summary>The pool as a depthwise convolution with constant weights (no bias, no activation).</summary>
    public static Conv2d Create(AntiAlias kind, int channels, int stride, SimdWidth width)
    {
        var (kernel, taps) = kind switch
        {
            AntiAlias.Average => (stride, Box(stride)),
            AntiAlias.BlurZeroPad => (3, Binomial3()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var weights = new float[channels * taps.Length];
        for (int c = 0; c < channels; c++) taps.CopyTo(weights, c * taps.Length);
        // BlurPool2d pads get_padding(3, stride) = ((stride - 1) + 2) / 2 per side; the box pool pads nothing.
        var padding = Padding.Symmetric(kind == AntiAlias.Average ? 0 : ((stride - 1) + 2) / 2);
        return new Conv2d(channels, channels, kernel, stride, 1, channels, padding, weights, default, Activation.None, width);
    }

    static float[] Box(int size) => Enumerable.Repeat(1f / (size * size), size * size).ToArray();

    static float[] Binomial3()
    {
        float[] row = [0.25f, 0.5f, 0.25f];
        return [.. from y in row from x in row select y * x];
    }
}
