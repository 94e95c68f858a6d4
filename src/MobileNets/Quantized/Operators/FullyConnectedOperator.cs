using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>Quantized FULLY_CONNECTED (XNNPACK fully-connected-nc): every input row times the weight matrix.</summary>
internal sealed class FullyConnectedOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly QuantizedGemmWeights _weights;
    readonly QuantizedOutputStage _stage;
    readonly int _rows;

    FullyConnectedOperator(int index, GraphTensor input, GraphTensor output, QuantizedGemmWeights weights, QuantizedOutputStage stage, int rows)
        : base(index)
    {
        _input = input; _output = output; _weights = weights; _stage = stage; _rows = rows;
    }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(2, 3, 1);
        var o = site.Options<FullyConnectedOptions>();
        site.Require(o.WeightsFormat == 0, "shuffled weights are not supported");
        var input = site.Input(0);
        var filter = site.ConstantInput(1);
        var output = site.Output();
        site.RequireRank(filter, 2);
        int units = filter.Shape[0], depth = filter.Shape[1];
        site.Require(depth > 0 && input.ElementCount % depth == 0, $"{input.Describe} does not split into rows of {depth}");
        int rows = input.ElementCount / depth;
        site.Require(output.ElementCount == rows * units && output.Shape.Length > 0 && output.Shape[^1] == units,
            $"{output.Describe} should hold {rows} rows of {units}");
        if (!site.IsQuantized(input, output))
            return FloatConvolution.FullyConnected(site, input, filter, output, rows, o.Activation);
        var w = QuantizedWeights.Prepare(site, filter, 0, units);
        var weights = new QuantizedGemmWeights(w.Values, units, depth, QuantizedWeights.Bias(site, 2, units), w.ZeroPoint, input.ZeroPoint);
        var stage = QuantizedWeights.OutputStage(site, input, output, w.ChannelScales, weights.PaddedChannels, o.Activation);
        return new FullyConnectedOperator(site.Index, input, output, weights, stage, rows);
    }

    public override void Execute(ExecutionContext context) =>
        QuantizedGemm.Run(_weights, _stage, context.Array(_input), _weights.Depth, _rows, context.Data(_output), _weights.Channels);
}
