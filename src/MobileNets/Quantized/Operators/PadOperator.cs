using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>PAD with constant paddings: the border holds the output zero point (quantized) or 0 (float), as TFLite and XNNPACK do.</summary>
internal sealed class PadOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly int[] _before;
    readonly int _elementSize;
    readonly byte _fill;

    PadOperator(int index, GraphTensor input, GraphTensor output, int[] before, int elementSize, byte fill) : base(index)
    {
        _input = input; _output = output; _before = before; _elementSize = elementSize; _fill = fill;
    }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(2, 2, 1);
        var input = site.Input(0);
        var output = site.Output();
        site.RequireSameType(input, output);
        int rank = input.Shape.Length;
        var pads = site.Int32Values(site.ConstantInput(1));
        site.Require(pads.Length == 2 * rank, $"paddings must hold {rank}x2 values");
        var expected = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            site.Require(pads[2 * d] >= 0 && pads[2 * d + 1] >= 0 && pads[2 * d] <= GraphTensor.MaxBytes && pads[2 * d + 1] <= GraphTensor.MaxBytes, "negative or huge paddings are not supported");
            expected[d] = input.Shape[d] + pads[2 * d] + pads[2 * d + 1];
        }
        site.RequireShape(output, expected);
        byte fill = 0;
        if (output.IsQuantized8)
        {
            site.Require(input.IsQuantized8 && input.Scale == output.Scale && input.ZeroPoint == output.ZeroPoint, "input and output quantization must match");
            fill = (byte)output.ZeroPoint;
        }
        return new PadOperator(site.Index, input, output, Enumerable.Range(0, rank).Select(d => pads[2 * d]).ToArray(), TfLiteTensorTypes.SizeOf(output.Type), fill);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var y = context.Data(_output);
        y.Fill(_fill);
        int rank = _input.Shape.Length;
        if (_input.ElementCount == 0) return;
        int rowElements = rank == 0 ? 1 : _input.Shape[^1];
        int rows = _input.ElementCount / Math.Max(rowElements, 1);
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        for (int r = 0; r < rows; r++)
        {
            int rem = r, dst = 0, mul = 1;
            for (int d = rank - 2; d >= 0; d--) { index[d] = rem % _input.Shape[d]; rem /= _input.Shape[d]; }
            for (int d = rank - 1; d >= 0; d--)
            {
                int i = d == rank - 1 ? 0 : index[d];
                dst += (i + _before[d]) * mul;
                mul *= _output.Shape[d];
            }
            x.Slice(r * rowElements * _elementSize, rowElements * _elementSize).CopyTo(y.Slice(dst * _elementSize));
        }
    }
}
