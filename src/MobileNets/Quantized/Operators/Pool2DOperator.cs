using System.Runtime.InteropServices;
using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// AVERAGE_POOL_2D and MAX_POOL_2D. Windows count only taps inside the input. Quantized average
/// pooling is not taken by the XNNPACK delegate (float only), so it follows TFLite's own kernel
/// (optimized_ops AveragePool16/32 for uint8: (sum + n/2) / n; reference_integer_ops for int8:
/// round half away from zero), clamped with TFLite's activation range. Max pooling is delegated:
/// XNNPACK's clamp bounds.
/// </summary>
internal sealed class Pool2DOperator : GraphOperator
{
    readonly bool _average, _quantized;
    readonly GraphTensor _input, _output;
    readonly ConvolutionGeometry _geo;
    readonly int _batch, _channels, _min, _max;
    readonly float _fmin, _fmax;

    Pool2DOperator(OperatorSite site, bool average, GraphTensor input, GraphTensor output, ConvolutionGeometry geo, TfLiteActivation act) : base(site.Index)
    {
        _average = average; _input = input; _output = output; _geo = geo;
        _batch = input.Shape[0]; _channels = input.Shape[3];
        _quantized = site.IsQuantized(input, output);
        (_fmin, _fmax) = ActivationRange.Float(act, site.Where);
        if (_quantized)
            (_min, _max) = average ? ActivationRange.TfLite(output, act, site.Where) : ActivationRange.Xnnpack(output, act, site.Where);
    }

    public static GraphOperator Build(OperatorSite site, bool average)
    {
        site.RequireArity(1, 1, 1);
        var o = site.Options<Pool2DOptions>();
        var input = site.Input(0);
        var output = site.Output();
        site.RequireRank(input, 4);
        var geo = ConvolutionShapes.Conv(site, input, o.FilterH, o.FilterW, o.StrideH, o.StrideW, 1, 1, o.Padding);
        site.RequireShape(output, [input.Shape[0], geo.OutputHeight, geo.OutputWidth, input.Shape[3]]);
        return new Pool2DOperator(site, average, input, output, geo, o.Activation);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var y = context.Data(_output);
        var xf = MemoryMarshal.Cast<byte, float>(x);
        var yf = MemoryMarshal.Cast<byte, float>(y);
        var g = _geo;
        int signedOffset = _input.SignedOffset;
        for (int n = 0; n < _batch; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                {
                    int y0 = Math.Max(0, oy * g.StrideHeight - g.PadTop), y1 = Math.Min(g.InputHeight, oy * g.StrideHeight - g.PadTop + g.KernelHeight);
                    int x0 = Math.Max(0, ox * g.StrideWidth - g.PadLeft), x1 = Math.Min(g.InputWidth, ox * g.StrideWidth - g.PadLeft + g.KernelWidth);
                    int count = (y1 - y0) * (x1 - x0);
                    int outBase = ((n * g.OutputHeight + oy) * g.OutputWidth + ox) * _channels;
                    for (int c = 0; c < _channels; c++)
                    {
                        if (_quantized)
                        {
                            int acc = _average ? 0 : int.MinValue;
                            for (int iy = y0; iy < y1; iy++)
                                for (int ix = x0; ix < x1; ix++)
                                {
                                    int v = x[((n * g.InputHeight + iy) * g.InputWidth + ix) * _channels + c] - signedOffset;
                                    acc = _average ? acc + v : Math.Max(acc, v);
                                }
                            if (_average)
                                acc = acc >= 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                            y[outBase + c] = (byte)Math.Clamp(acc + signedOffset, _min, _max);
                        }
                        else
                        {
                            float acc = _average ? 0f : float.NegativeInfinity;
                            for (int iy = y0; iy < y1; iy++)
                                for (int ix = x0; ix < x1; ix++)
                                {
                                    float v = xf[((n * g.InputHeight + iy) * g.InputWidth + ix) * _channels + c];
                                    acc = _average ? acc + v : MathF.Max(acc, v);
                                }
                            if (_average) acc /= count;
                            yf[outBase + c] = Math.Clamp(acc, _fmin, _fmax);
                        }
                    }
                }
    }
}
