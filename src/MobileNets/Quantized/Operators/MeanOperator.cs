using System.Runtime.InteropServices;
using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// MEAN over the spatial axes of an NHWC tensor (axes {1, 2}, the global average pooling of
/// MobileNet heads). Quantized, it is XNNPACK's global average pooling
/// (src/operators/global-average-pooling-nwc.c): bias = -n·zx, scale = in_scale / (out_scale · n),
/// out = round-to-nearest-even((bias + Σx)·scale) + zy, clamped to the type.
/// </summary>
internal sealed class MeanOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly bool _quantized;
    readonly int _batch, _pixels, _channels, _bias;
    readonly float _scale;

    MeanOperator(OperatorSite site, GraphTensor input, GraphTensor output) : base(site.Index)
    {
        _input = input; _output = output;
        _batch = input.Shape[0]; _pixels = input.Shape[1] * input.Shape[2]; _channels = input.Shape[3];
        _quantized = site.IsQuantized(input, output);
        if (_quantized)
        {
            _bias = -_pixels * input.ZeroPoint;
            _scale = input.Scale / (output.Scale * _pixels);
        }
    }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(2, 2, 1);
        var input = site.Input(0);
        var output = site.Output();
        site.RequireRank(input, 4);
        var axes = site.Int32Values(site.ConstantInput(1)).Select(a => a < 0 ? a + 4 : a).Order().ToArray();
        site.Require(axes.SequenceEqual([1, 2]), $"reduces axes [{string.Join(",", axes)}]; only the spatial axes [1,2] are supported");
        site.Require(input.Shape[1] * input.Shape[2] > 0, $"{input.Describe} is empty");
        bool keep = site.Options<ReducerOptions>().KeepDims;
        site.RequireShape(output, keep ? [input.Shape[0], 1, 1, input.Shape[3]] : [input.Shape[0], input.Shape[3]]);
        return new MeanOperator(site, input, output);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var y = context.Data(_output);
        for (int n = 0; n < _batch; n++)
            for (int c = 0; c < _channels; c++)
            {
                int at = n * _pixels * _channels + c;
                if (_quantized)
                {
                    int acc = _bias;
                    for (int p = 0; p < _pixels; p++) acc += x[at + p * _channels];
                    y[n * _channels + c] = Requantization.Fp32(acc, _scale, _output.ZeroPoint, 0, 255);
                }
                else
                {
                    var xf = MemoryMarshal.Cast<byte, float>(x);
                    float acc = 0;
                    for (int p = 0; p < _pixels; p++) acc += xf[at + p * _channels];
                    MemoryMarshal.Cast<byte, float>(y)[n * _channels + c] = acc / _pixels;
                }
            }
    }
}
