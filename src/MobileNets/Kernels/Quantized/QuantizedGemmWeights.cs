namespace MobileNets.Kernels.Quantized;

/// <summary>
/// Weights of a quantized GEMM (1x1 and im2col convolution, fully connected), pre-packed at load
/// for the 8-bit dot-product kernels: signed bytes in blocks of 16 output channels by 4 depth
/// values (the operand layout of vpdpbusd), depth padded to a multiple of 4 and channels to a
/// multiple of 16 with zeros. Zero-point corrections are folded into <see cref="PackedBias"/>:
/// Σ(a - za)(w - zw) = Σ a·w - zw·Σa - za·Σw + K·za·zw, leaving only zw·Σa per row at run time.
/// </summary>
internal sealed class QuantizedGemmWeights
{
    public const int ChannelBlock = 16;
    public const int DepthBlock = 4;

    public int Channels { get; }
    public int Depth { get; }
    public int PaddedDepth { get; }
    public int PaddedChannels { get; }
    /// <summary>Packed signed weights: [PaddedChannels/16][PaddedDepth/4][16][4].</summary>
    public sbyte[] Packed { get; }
    /// <summary>bias - za·Σw + K·za·zw per channel (padded).</summary>
    public int[] PackedBias { get; }
    /// <summary>The weight zero point in the signed domain; multiplies each row's input sum.</summary>
    public int WeightZeroPoint { get; }
    /// <summary>Unpacked signed weights [Channels, Depth] and raw bias, kept for the scalar twin.</summary>
    public sbyte[] Weights { get; }
    public int[] Bias { get; }
    public int InputZeroPoint { get; }

    /// <summary>
    /// Packs signed weights [channels, depth] (uint8 weights already shifted by -128), with the
    /// weight zero point in that signed domain and the input zero point in the unsigned domain.
    /// </summary>
    public QuantizedGemmWeights(sbyte[] weights, int channels, int depth, int[] bias, int weightZeroPoint, int inputZeroPoint)
    {
        Channels = channels; Depth = depth; Weights = weights; Bias = bias;
        WeightZeroPoint = weightZeroPoint; InputZeroPoint = inputZeroPoint;
        PaddedDepth = (depth + DepthBlock - 1) / DepthBlock * DepthBlock;
        PaddedChannels = (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;
        Packed = new sbyte[PaddedChannels * PaddedDepth];
        PackedBias = new int[PaddedChannels];
        for (int n = 0; n < channels; n++)
        {
            int sum = 0;
            for (int k = 0; k < depth; k++)
            {
                sbyte w = weights[n * depth + k];
                sum += w;
                int block = n / ChannelBlock, lane = n % ChannelBlock;
                Packed[(block * (PaddedDepth / DepthBlock) + k / DepthBlock) * ChannelBlock * DepthBlock + lane * DepthBlock + k % DepthBlock] = w;
            }
            PackedBias[n] = bias[n] - inputZeroPoint * sum + depth * inputZeroPoint * weightZeroPoint;
        }
    }
}
