using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// Quantized CONV_2D as XNNPACK runs it: 1x1 stride-1 convolutions multiply the input rows
/// directly; others gather patches (im2col, padding filled with the input zero point like
/// XNNPACK's zero buffer) in chunks and run the same GEMM. Large layers split their output pixels
/// among the model's threads.
/// </summary>
internal sealed class Conv2DOperator : GraphOperator, IPartitionedOperator
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

    /// <summary>
    /// Below this many multiply-adds the layer runs on one thread: the VNNI GEMM does ~150 per
    /// nanosecond per core, so this is ~2 µs of work, about what handing parts to a worker costs.
    /// </summary>
    const long MinParallelMacs = 300_000;

    int OutPixels => _geo.OutputHeight * _geo.OutputWidth;

    /// <summary>Patch rows one part gathers at a time: bounded scratch, still in cache for the GEMM.</summary>
    int ChunkRows(int parts) => Math.Max(1, Math.Min((OutPixels + parts - 1) / parts, ChunkBytes / _weights.PaddedDepth));

    /// <summary>One part's patch buffer, with slack after its last row for the GEMM's over-reads.</summary>
    int PartBytes(int parts) => ChunkRows(parts) * _weights.PaddedDepth + ExecutionContext.Slack;

    public override void Execute(ExecutionContext context)
    {
        long macs = (long)OutPixels * _outChannels * _weights.Depth;
        // Parts cover whole 6-row GEMM tiles, so a split adds no short tiles.
        int parts = context.Parts(macs, MinParallelMacs, (OutPixels + 5) / 6);
        context.Array(_input);
        context.Array(_output);
        if (!_direct) context.Scratch(Index, parts * PartBytes(parts));
        for (int n = 0; n < _batch; n++) context.RunParts(this, n, parts);
    }

    /// <summary>Output pixels of one part: one GEMM over their input rows, or im2col chunks into the part's own patch buffer.</summary>
    public void RunPart(ExecutionContext context, int n, int part, int parts)
    {
        var (p0, p1) = Threading.WorkSplit.Range(OutPixels, parts, part, 6);
        if (p1 <= p0) return;
        int inPixels = _geo.InputHeight * _geo.InputWidth;
        var x = context.Array(_input).AsSpan(n * inPixels * _inChannels);
        var y = context.Data(_output).Slice(n * OutPixels * _outChannels);
        if (_direct)
        {
            QuantizedGemm.Run(_weights, _stage, x.Slice(p0 * _inChannels), _inChannels, p1 - p0, y.Slice(p0 * _outChannels), _outChannels);
            return;
        }
        int rowBytes = _weights.PaddedDepth, chunkRows = ChunkRows(parts), partBytes = PartBytes(parts);
        var patches = context.Scratch(Index, parts * partBytes).AsSpan(part * partBytes, partBytes);
        for (int c0 = p0; c0 < p1; c0 += chunkRows)
        {
            int rows = Math.Min(chunkRows, p1 - c0);
            Im2Col.Gather(x, _geo, _inChannels, (byte)_input.ZeroPoint, c0, rows, patches, rowBytes);
            QuantizedGemm.Run(_weights, _stage, patches, rowBytes, rows, y.Slice(c0 * _outChannels), _outChannels);
        }
    }
}
