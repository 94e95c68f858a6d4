namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Depthwise convolution weights pre-packed at load. The taps are taken in pairs (a zero-weight
/// tap completes an odd count) and each pair is interleaved per channel as 16-bit values
/// [c][w(t0) - zw, w(t1) - zw], the operand layout of pmaddwd / vpdpwssd, so one instruction
/// accumulates (x0 - zx)(w0 - zw) + (x1 - zx)(w1 - zw) per channel: the products XNNPACK's qu8/qs8
/// dwconv kernels sum. Channels are padded to a multiple of 8 with zeros.
/// </summary>
internal sealed class DepthwiseWeights
{
    public const int ChannelBlock = 8;

    public int Channels { get; }
    public int PaddedChannels { get; }
    public int Taps { get; }
    public int Pairs => (Taps + 1) / 2;
    /// <summary>[Taps][Channels] of w - zw, as given (for the scalar path and tests).</summary>
    public int[] Centered { get; }
    /// <summary>[Pairs][PaddedChannels][2] interleaved 16-bit centered weights.</summary>
    public short[] PairedWeights { get; }
    public int[] Bias { get; }
    public int InputZeroPoint { get; }

    /// <summary>Packs centered weights given as [taps, channels] (w - zw per channel already applied).</summary>
    public DepthwiseWeights(int[] centered, int taps, int channels, int[] bias, int inputZeroPoint)
    {
        Channels = channels; Taps = taps; InputZeroPoint = inputZeroPoint; Centered = centered;
        PaddedChannels = (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;
        PairedWeights = new short[Pairs * PaddedChannels * 2];
        for (int t = 0; t < taps; t++)
            for (int c = 0; c < channels; c++)
                PairedWeights[((t / 2) * PaddedChannels + c) * 2 + (t & 1)] = checked((short)centered[t * channels + c]);
        Bias = new int[PaddedChannels];
        Array.Copy(bias, Bias, channels);
    }
}
