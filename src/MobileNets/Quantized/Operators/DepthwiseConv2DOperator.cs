using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// Quantized DEPTHWISE_CONV_2D as XNNPACK runs it (a grouped convolution, one group per input
/// channel). The depth multiplier M comes from the shapes (output channels / input channels), as
/// TFLite does since the option became redundant; with M > 1 each input channel is first repeated
/// M times so output channel o reads input channel o / M.
/// </summary>
internal sealed class DepthwiseConv2DOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly DepthwiseWeights _weights;
    readonly QuantizedOutputStage _stage;
    readonly ConvolutionGeometry _geo;
    readonly int _batch, _inChannels, _multiplier;

    DepthwiseConv2DOperator(int index, GraphTensor input, GraphTensor output, DepthwiseWeights weights, QuantizedOutputStage stage,
        ConvolutionGeometry geo, int batch, int inChannels, int multiplier) : base(index)
    {
        _input = input; _output = output; _weights = weights; _stage = stage; _geo = geo;
        _batch = batch; _inChannels = inChannels; _multiplier = multiplier;
    }

    public override string Describe =>
        $"DepthwiseConv {_geo.KernelHeight}x{_geo.KernelWidth}/{_geo.StrideHeight} {_geo.InputHeight}x{_geo.InputWidth}x{_inChannels * _multiplier}";

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(2, 3, 1);
        var o = site.Options<DepthwiseConv2DOptions>();
        var input = site.Input(0);
        var filter = site.ConstantInput(1);
        var output = site.Output();
        site.RequireRank(input, 4);
        site.RequireRank(filter, 4);
        site.RequireRank(output, 4);
        site.Require(filter.Shape[0] == 1, $"{filter.Describe} must have 1 as its first dimension");
        int inC = input.Shape[3], outC = filter.Shape[3];
        site.Require(inC > 0 && outC % inC == 0, $"{filter.Describe} has {outC} channels, not a multiple of the {inC} input channels");
        int multiplier = outC / inC;
        var geo = ConvolutionShapes.Conv(site, input, filter.Shape[1], filter.Shape[2], o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Padding);
        site.RequireShape(output, [input.Shape[0], geo.OutputHeight, geo.OutputWidth, outC]);
        if (!site.IsQuantized(input, output))
            return FloatConvolution.Depthwise(site, input, filter, output, geo, multiplier, o.Activation);
        var w = QuantizedWeights.Prepare(site, filter, 3, outC);
        int taps = filter.Shape[1] * filter.Shape[2];
        var centered = new int[taps * outC];
        for (int i = 0; i < centered.Length; i++) centered[i] = w.Values[i] - w.ZeroPoint;
        var weights = new DepthwiseWeights(centered, taps, outC, QuantizedWeights.Bias(site, 2, outC), input.ZeroPoint);
        var stage = QuantizedWeights.OutputStage(site, input, output, w.ChannelScales, weights.PaddedChannels, o.Activation);
        return new DepthwiseConv2DOperator(site.Index, input, output, weights, stage, geo, input.Shape[0], inC, multiplier);
    }

    public override void Execute(ExecutionContext context)
    {
        var input = context.Array(_input);
        var output = context.Data(_output);
        int inPixels = _geo.InputHeight * _geo.InputWidth, outPixels = _geo.OutputHeight * _geo.OutputWidth;
        int outC = _inChannels * _multiplier;
        for (int n = 0; n < _batch; n++)
        {
            ReadOnlySpan<byte> x = input.AsSpan(n * inPixels * _inChannels);
            if (_multiplier > 1)
            {
                var expanded = context.Scratch(Index, inPixels * outC);
                QuantizedDepthwise.ExpandChannels(x, inPixels, _inChannels, _multiplier, expanded);
                x = expanded;
            }
            QuantizedDepthwise.Run(_weights, _stage, _geo, x, output.Slice(n * outPixels * outC, outPixels * outC));
        }
    }
}
