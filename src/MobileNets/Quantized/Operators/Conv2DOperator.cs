using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// Quantized CONV_2D as XNNPACK runs it: 1x1 stride-1 convolutions multiply the input rows
/// directly; others gather patches (im2col, padding filled with the input zero point like
/// XNNPACK's zero buffer) in chunks and run the same GEMM.
/// </summary>
internal sealed class Conv2DOperator : GraphOperator
{
    const int ChunkBytes = 1 << 18;

    readonly GraphTensor _input, _output;
    readonly QuantizedGemmWeights _weights;
    readonly QuantizedOutputStage _stage;
    readonly ConvolutionGeometry _geo;
    readonly int _batch, _inChannels, _outChannels;
    readonly bool _direct;

    Conv2DOperator(int index, GraphTensor input, GraphTensor output, QuantizedGemmWeights weights, QuantizedOutputStage stage,
        ConvolutionGeometry geo, int batch, int inChannels, int outChannels) : base(index)
    {
        _input = input; _output = output; _weights = weights; _stage = stage; _geo = geo;
        _batch = batch; _inChannels = inChannels; _outChannels = outChannels;
        _direct = geo.KernelHeight == 1 && geo.KernelWidth == 1 && geo.StrideHeight == 1 && geo.StrideWidth == 1
            && geo.PadTop == 0 && geo.PadLeft == 0 && geo.InputHeight == geo.OutputHeight && geo.InputWidth == geo.OutputWidth;
    }

    public override string Describe =>
        $"Conv {_geo.KernelHeight}x{_geo.KernelWidth}/{_geo.StrideHeight} {_geo.OutputHeight}x{_geo.OutputWidth}x{_inChannels}->{_outChannels}";

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(2, 3, 1);
        var o = site.Options<Conv2DOptions>();
        var input = site.Input(0);
        var filter = site.ConstantInput(1);
        var output = site.Output();
        site.RequireRank(input, 4);
        site.RequireRank(filter, 4);
        site.RequireRank(output, 4);
        var geo = ConvolutionShapes.Conv(site, input, filter.Shape[1], filter.Shape[2], o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Padding);
        int outC = filter.Shape[0], inC = filter.Shape[3];
        site.Require(input.Shape[3] == inC, $"{input.Describe} has {input.Shape[3]} channels but the filter expects {inC} (grouped convolution is not supported)");
        site.RequireShape(output, [input.Shape[0], geo.OutputHeight, geo.OutputWidth, outC]);
        if (!site.IsQuantized(input, output))
            return FloatConvolution.Conv2D(site, input, filter, output, geo, o.Activation);
        var w = QuantizedWeights.Prepare(site, filter, 0, outC);
        int depth = filter.Shape[1] * filter.Shape[2] * inC;
        var weights = new QuantizedGemmWeights(w.Values, outC, depth, QuantizedWeights.Bias(site, 2, outC), w.ZeroPoint, input.ZeroPoint);
        var stage = QuantizedWeights.OutputStage(site, input, output, w.ChannelScales, weights.PaddedChannels, o.Activation);
        return new Conv2DOperator(site.Index, input, output, weights, stage, geo, input.Shape[0], inC, outC);
    }

    public override void Execute(ExecutionContext context)
    {
        var input = context.Array(_input);
        var output = context.Data(_output);
        int inPixels = _geo.InputHeight * _geo.InputWidth, outPixels = _geo.OutputHeight * _geo.OutputWidth;
        for (int n = 0; n < _batch; n++)
        {
            var x = input.AsSpan(n * inPixels * _inChannels);
            var y = output.Slice(n * outPixels * _outChannels);
            if (_direct)
            {
                QuantizedGemm.Run(_weights, _stage, x, _inChannels, outPixels, y, _outChannels);
                continue;
            }
            int rowBytes = _weights.PaddedDepth;
            int chunkRows = Math.Max(1, Math.Min(outPixels, ChunkBytes / rowBytes));
            var patches = context.Scratch(Index, chunkRows * rowBytes);
            for (int p0 = 0; p0 < outPixels; p0 += chunkRows)
            {
                int rows = Math.Min(chunkRows, outPixels - p0);
                Im2Col.Gather(x, _geo, _inChannels, (byte)_input.ZeroPoint, p0, rows, patches, rowBytes);
                QuantizedGemm.Run(_weights, _stage, patches, rowBytes, rows, y.Slice(p0 * _outChannels), _outChannels);
            }
        }
    }
}
