using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// Turns a constant 8-bit weight tensor into signed values with a signed zero point (uint8 weights
/// shifted by -128 together with their zero point) and per-output-channel scales, and builds the
/// output stage: scale[c] = input_scale * kernel_scale[c] / output_scale evaluated in float, as
/// XNNPACK's convolution and fully-connected operators compute requantization_scale.
/// </summary>
internal static class QuantizedWeights
{
    public sealed record Prepared(sbyte[] Values, int ZeroPoint, float[] ChannelScales);

    /// <param name="site">The operator.</param>
    /// <param name="filter">The weight tensor.</param>
    /// <param name="channelAxis">Axis holding output channels (0 for CONV_2D/FULLY_CONNECTED, 3 for DEPTHWISE_CONV_2D).</param>
    /// <param name="channels">Number of output channels.</param>
    public static Prepared Prepare(OperatorSite site, GraphTensor filter, int channelAxis, int channels)
    {
        var q = filter.Def.Quantization;
        site.Require(filter.Type is TfLiteTensorType.UInt8 or TfLiteTensorType.Int8 && q != null,
            $"{filter.Describe} must be quantized UINT8 or INT8 weights");
        var raw = site.RawBytes(filter);
        site.Require(raw.Length == filter.ByteLength, $"{filter.Describe} holds {raw.Length} bytes, expected {filter.ByteLength}");
        var values = new sbyte[raw.Length];
        var scales = new float[channels];
        int zeroPoint;
        // INT8 weights are symmetric in TFLite's quantization spec: XNNPACK's qs8/qc8 operators take no
        // kernel zero point and TFLite's integer kernels apply none, so a stored INT8 zero point is ignored.
        if (q!.IsPerTensor)
        {
            zeroPoint = filter.Type == TfLiteTensorType.UInt8 ? (int)q.ZeroPoints[0] - 128 : 0;
            site.Require(filter.Type == TfLiteTensorType.UInt8 ? q.ZeroPoints[0] is >= 0 and <= 255 : q.ZeroPoints[0] is >= -128 and <= 127,
                $"{filter.Describe} has zero point {q.ZeroPoints[0]} outside its type's range");
            Array.Fill(scales, q.Scales[0]);
        }
        else
        {
            site.Require(filter.Type == TfLiteTensorType.Int8, $"{filter.Describe}: per-channel quantization needs INT8 weights");
            site.Require(q.QuantizedDimension == channelAxis && q.Scales.Length == channels,
                $"{filter.Describe} is quantized along dimension {q.QuantizedDimension} with {q.Scales.Length} scales, expected dimension {channelAxis} with {channels}");
            zeroPoint = 0;
            q.Scales.CopyTo(scales, 0);
        }
        int shift = filter.Type == TfLiteTensorType.UInt8 ? 128 : 0;
        for (int i = 0; i < raw.Length; i++) values[i] = (sbyte)(raw[i] - shift);
        return new Prepared(values, zeroPoint, scales);
    }

    /// <summary>An INT32 bias of <paramref name="channels"/> values, or zeros when the optional input is absent.</summary>
    public static int[] Bias(OperatorSite site, int inputIndex, int channels)
    {
        if (!site.HasInput(inputIndex)) return new int[channels];
        var bias = site.ConstantInput(inputIndex);
        site.Require(bias.Type == TfLiteTensorType.Int32, $"{bias.Describe} must be INT32 for a quantized operator");
        site.Require(bias.ElementCount == channels, $"{bias.Describe} must hold {channels} values");
        return site.Int32Values(bias);
    }

    public static QuantizedOutputStage OutputStage(OperatorSite site, GraphTensor input, GraphTensor output, float[] kernelScales,
        int paddedChannels, TfLiteActivation activation)
    {
        if (site.TfLiteKernels)
        {
            // TFLite's own kernels: multipliers from double products (kernel_util.cc, PopulateConvolutionQuantizationParams),
            // clamped with CalculateActivationRangeQuantized.
            var multipliers = kernelScales.Select(k => FixedPointMultiplier.From((double)input.Scale * k / output.Scale)).ToArray();
            site.Require(multipliers.All(m => m.Shift <= 31 && m.Shift >= -31), "requantization multiplier out of range");
            var (lo, hi) = ActivationRange.TfLite(output, activation, site.Where);
            return new QuantizedOutputStage { Scale = new float[paddedChannels], ZeroPoint = output.ZeroPoint, Min = lo, Max = hi, FixedPoint = multipliers };
        }
        var scale = new float[paddedChannels];
        for (int c = 0; c < kernelScales.Length; c++)
        {
            scale[c] = input.Scale * kernelScales[c] / output.Scale;
            site.Require(scale[c] < 256f, $"requantization scale {scale[c]} of channel {c} is not below 256");
        }
        var (min, max) = ActivationRange.Xnnpack(output, activation, site.Where);
        return new QuantizedOutputStage { Scale = scale, ZeroPoint = output.ZeroPoint, Min = min, Max = max };
    }
}
