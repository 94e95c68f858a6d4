using System.Buffers.Binary;
using System.Runtime.InteropServices;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// ARG_MAX (TFLite's own kernel, reference_ops::ArgMinMax): the index of the first maximum along the
/// axis (a later equal value does not replace it), written as INT32 or INT64. The shifted int8
/// storage keeps the order of values.
/// </summary>
internal sealed class ArgMaxOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly int _outer, _axisSize, _inner;
    readonly bool _float, _int64;

    ArgMaxOperator(int index, GraphTensor input, GraphTensor output, int outer, int axisSize, int inner) : base(index)
    {
        _input = input; _output = output; _outer = outer; _axisSize = axisSize; _inner = inner;
        _float = input.Type == TfLiteTensorType.Float32;
        _int64 = output.Type == TfLiteTensorType.Int64;
    }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(2, 2, 1);
        var input = site.Input(0);
        var output = site.Output();
        site.Require(input.Type is TfLiteTensorType.Float32 or TfLiteTensorType.UInt8 or TfLiteTensorType.Int8, $"{input.Describe} has an unsupported type");
        site.Require(output.Type is TfLiteTensorType.Int32 or TfLiteTensorType.Int64, $"{output.Describe} must be INT32 or INT64");
        var axisValues = site.Int32Values(site.ConstantInput(1));
        site.Require(axisValues.Length == 1, "axis must hold one value");
        int rank = input.Shape.Length, axis = axisValues[0] < 0 ? axisValues[0] + rank : axisValues[0];
        site.Require(axis >= 0 && axis < rank, $"axis {axisValues[0]} is outside rank {rank}");
        site.Require(input.Shape[axis] > 0, $"{input.Describe} is empty along axis {axis}");
        site.RequireShape(output, input.Shape.Where((_, i) => i != axis).ToArray());
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= input.Shape[i];
        for (int i = axis + 1; i < rank; i++) inner *= input.Shape[i];
        return new ArgMaxOperator(site.Index, input, output, outer, input.Shape[axis], inner);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var xf = MemoryMarshal.Cast<byte, float>(x);
        var y = context.Data(_output);
        for (int o = 0; o < _outer; o++)
            for (int i = 0; i < _inner; i++)
            {
                int at = o * _axisSize * _inner + i, best = 0;
                if (_float)
                {
                    float max = xf[at];
                    for (int k = 1; k < _axisSize; k++)
                        if (xf[at + k * _inner] > max) { max = xf[at + k * _inner]; best = k; }
                }
                else
                {
                    int max = x[at];
                    for (int k = 1; k < _axisSize; k++)
                        if (x[at + k * _inner] > max) { max = x[at + k * _inner]; best = k; }
                }
                int slot = o * _inner + i;
                if (_int64) BinaryPrimitives.WriteInt64LittleEndian(y[(8 * slot)..], best);
                else BinaryPrimitives.WriteInt32LittleEndian(y[(4 * slot)..], best);
            }
    }
}
