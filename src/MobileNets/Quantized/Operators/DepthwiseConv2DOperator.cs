using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// Quantized DEPTHWISE_CONV_2D as XNNPACK runs it (a grouped convolution, one group per input
/// channel). The depth multiplier M comes from the shapes (output channels / input channels), as
/// TFLite does since the option became redundant; with M > 1 each input channel is first repeated
/// M times so output channel o reads input channel o / M. Large layers split their output rows
/// among the model's threads.
/// </summary>
internal sealed class DepthwiseConv2DOperator : GraphOperator, IPartitionedOperator
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

    /// <summary>
    /// Below this many multiply-adds the layer runs on one thread: the depthwise kernels do ~15 per
    /// nanosecond per core, so this is ~3 µs of work, about what handing parts to a worker costs.
    /// </summary>
    const long MinParallelMacs = 50_000;

    int InPixels => _geo.InputHeight * _geo.InputWidth;
    int OutChannels => _inChannels * _multiplier;

    public override void Execute(ExecutionContext context)
    {
        long macs = (long)_geo.OutputHeight * _geo.OutputWidth * OutChannels * _geo.KernelHeight * _geo.KernelWidth;
        int parts = context.Parts(macs, MinParallelMacs, _geo.OutputHeight);
        var input = context.Array(_input);
        context.Array(_output);
        for (int n = 0; n < _batch; n++)
        {
            if (_multiplier > 1)
                QuantizedDepthwise.ExpandChannels(input.AsSpan(n * InPixels * _inChannels), InPixels, _inChannels, _multiplier,
                    context.Scratch(Index, InPixels * OutChannels));
            context.RunParts(this, n, parts);
        }
    }

    /// <summary>A band of output rows of batch item <paramref name="n"/>.</summary>
    public void RunPart(ExecutionContext context, int n, int part, int parts)
    {
        var (r0, r1) = Threading.WorkSplit.Range(_geo.OutputHeight, parts, part, 1);
        if (r1 <= r0) return;
        int outSize = _geo.OutputHeight * _geo.OutputWidth * OutChannels;
        ReadOnlySpan<byte> x = _multiplier > 1 ? context.Scratch(Index, InPixels * OutChannels) : context.Array(_input).AsSpan(n * InPixels * _inChannels);
        QuantizedDepthwise.Run(_weights, _stage, _geo, x, context.Data(_output).Slice(n * outSize, outSize), r0, r1);
    }
}
