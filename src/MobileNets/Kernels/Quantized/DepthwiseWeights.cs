namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Depthwise convolution weights pre-packed at load: (w - zw) widened to int32 per tap, channels
/// padded to a multiple of 8 with zeros, so a kernel multiplies (x - zx)·(w - zw) directly, the
/// product XNNPACK's qu8/qs8 dwconv kernels accumulate.
/// </summary>
internal sealed class DepthwiseWeights
{
    public const int ChannelBlock = 8;

    public int Channels { get; }
    public int PaddedChannels { get; }
    public int Taps { get; }
    /// <summary>[Taps][PaddedChannels] of w - zw.</summary>
    public int[] Centered { get; }
    public int[] Bias { get; }
    public int InputZeroPoint { get; }

    /// <summary>Packs centered weights given as [taps, channels] (w - zw per channel already applied).</summary>
    public DepthwiseWeights(int[] centered, int taps, int channels, int[] bias, int inputZeroPoint)
    {
        Channels = channels; Taps = taps; InputZeroPoint = inputZeroPoint;
        PaddedChannels = (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;
        Centered = new int[taps * PaddedChannels];
        Bias = new int[PaddedChannels];
        for (int t = 0; t < taps; t++)
            Array.Copy(centered, t * channels, Centered, t * PaddedChannels, channels);
        Array.Copy(bias, Bias, channels);
    }
}
