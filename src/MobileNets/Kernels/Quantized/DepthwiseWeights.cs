namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Depthwise convolution weights pre-packed at load, in the layouts of the SIMD pixel kernels.
/// Channels are padded to a multiple of 16 with zero weights. The input zero point is folded into
/// <see cref="FoldedBias"/>: Σ(x - zx)·w = Σx·w - zx·Σw, so the kernels multiply raw input bytes
/// (taps in the padding read <see cref="ZeroRow"/>, whose zx·w the fold cancels exactly).
/// </summary>
internal sealed class DepthwiseWeights
{
    public const int ChannelBlock = 16;

    public int Channels { get; }
    public int PaddedChannels { get; }
    public int Taps { get; }
    public int Pairs => (Taps + 1) / 2;
    /// <summary>[Taps][Channels] of w - zw, as given (for the scalar path and tests).</summary>
    public int[] Centered { get; }
    /// <summary>
    /// [Pairs][PaddedChannels][2] centered weights as 16-bit values, taps taken in pairs (a zero
    /// weight completes an odd count) and interleaved per channel: the operand layout of pmaddwd /
    /// vpdpwssd, which then sums x0·w0 + x1·w1 per channel.
    /// </summary>
    public short[] PairedWeights { get; }
    /// <summary>[Taps][PaddedChannels] centered weights as 32-bit lanes, for the AVX-512 kernel.</summary>
    public int[] WideWeights { get; }
    public int[] Bias { get; }
    /// <summary>bias - zx·Σw per channel (padded): the accumulator start when raw bytes are multiplied.</summary>
    public int[] FoldedBias { get; }
    /// <summary>The input zero point repeated over the padded channels plus a vector of slack: the row padding taps read.</summary>
    public byte[] ZeroRow { get; }
    public int InputZeroPoint { get; }

    /// <summary>Packs centered weights given as [taps, channels] (w - zw per channel already applied).</summary>
    public DepthwiseWeights(int[] centered, int taps, int channels, int[] bias, int inputZeroPoint)
    {
        Channels = channels; Taps = taps; InputZeroPoint = inputZeroPoint; Centered = centered;
        PaddedChannels = (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;
        PairedWeights = new short[Pairs * PaddedChannels * 2];
        WideWeights = new int[taps * PaddedChannels];
        Bias = new int[PaddedChannels];
        FoldedBias = new int[PaddedChannels];
        for (int c = 0; c < channels; c++)
        {
            int sum = 0;
            for (int t = 0; t < taps; t++)
            {
                int v = centered[t * channels + c];
                PairedWeights[((t / 2) * PaddedChannels + c) * 2 + (t & 1)] = checked((short)v);
                WideWeights[t * PaddedChannels + c] = v;
                sum += v;
            }
            Bias[c] = bias[c];
            FoldedBias[c] = bias[c] - inputZeroPoint * sum;
        }
        ZeroRow = new byte[PaddedChannels + ChannelBlock];
        Array.Fill(ZeroRow, (byte)inputZeroPoint);
    }
}
