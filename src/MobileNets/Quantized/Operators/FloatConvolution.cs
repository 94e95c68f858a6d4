using System.Runtime.InteropServices;
using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// Float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: plain loops with float accumulation,
/// bias first then taps in kernel order, clamped to the fused activation's float range. Results agree
/// with TFLite up to float rounding (XNNPACK orders the sums differently).
/// </summary>
internal sealed class FloatConvolution : GraphOperator
{
    enum Kind { Conv, Depthwise, FullyConnected }

    readonly Kind _kind;
    readonly GraphTensor _input, _output;
    readonly float[] _weights, _bias;
    readonly ConvolutionGeometry _geo;
    readonly int _batch, _inChannels, _outChannels, _multiplier, _rows;
    readonly float _min, _max;

    FloatConvolution(int index, Kind kind, GraphTensor input, GraphTensor output, float[] weights, float[] bias, ConvolutionGeometry geo,
        int batch, int inChannels, int outChannels, int multiplier, int rows, (float Min, float Max) range) : base(index)
    {
        _kind = kind; _input = input; _output = output; _weights = weights; _bias = bias; _geo = geo; _batch = batch;
        _inChannels = inChannels; _outChannels = outChannels; _multiplier = multiplier; _rows = rows; _min = range.Min; _max = range.Max;
    }

    static float[] Floats(OperatorSite site, GraphTensor t)
    {
        site.Require(t.Type == TfLiteTensorType.Float32, $"{t.Describe} must be FLOAT32 in a float operator");
        return MemoryMarshal.Cast<byte, float>(site.RawBytes(t)).ToArray();
    }

    static float[] Bias(OperatorSite site, int channels)
    {
        if (!site.HasInput(2)) return new float[channels];
        var b = site.ConstantInput(2);
        site.Require(b.ElementCount == channels, $"{b.Describe} must hold {channels} values");
        return Floats(site, b);
    }

    public static GraphOperator Conv2D(OperatorSite site, GraphTensor input, GraphTensor filter, GraphTensor output, ConvolutionGeometry geo, TfLiteActivation act) =>
        new FloatConvolution(site.Index, Kind.Conv, input, output, Floats(site, filter), Bias(site, filter.Shape[0]), geo,
            input.Shape[0], input.Shape[3], filter.Shape[0], 1, 0, ActivationRange.Float(act, site.Where));

    public static GraphOperator Depthwise(OperatorSite site, GraphTensor input, GraphTensor filter, GraphTensor output, ConvolutionGeometry geo, int multiplier, TfLiteActivation act) =>
        new FloatConvolution(site.Index, Kind.Depthwise, input, output, Floats(site, filter), Bias(site, filter.Shape[3]), geo,
            input.Shape[0], input.Shape[3], filter.Shape[3], multiplier, 0, ActivationRange.Float(act, site.Where));

    public static GraphOperator FullyConnected(OperatorSite site, GraphTensor input, GraphTensor filter, GraphTensor output, int rows, TfLiteActivation act) =>
        new FloatConvolution(site.Index, Kind.FullyConnected, input, output, Floats(site, filter), Bias(site, filter.Shape[0]), default,
            1, filter.Shape[1], filter.Shape[0], 1, rows, ActivationRange.Float(act, site.Where));

    public override void Execute(ExecutionContext context)
    {
        var x = MemoryMarshal.Cast<byte, float>(context.Data(_input));
        var y = MemoryMarshal.Cast<byte, float>(context.Data(_output));
        if (_kind == Kind.FullyConnected)
        {
            for (int r = 0; r < _rows; r++)
                for (int o = 0; o < _outChannels; o++)
                {
                    float acc = _bias[o];
                    for (int k = 0; k < _inChannels; k++) acc += x[r * _inChannels + k] * _weights[o * _inChannels + k];
                    y[r * _outChannels + o] = Math.Clamp(acc, _min, _max);
                }
            return;
        }
        var g = _geo;
        for (int n = 0; n < _batch; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int o = 0; o < _outChannels; o++)
                    {
                        float acc = _bias[o];
                        for (int ky = 0; ky < g.KernelHeight; ky++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                            if ((uint)iy >= (uint)g.InputHeight) continue;
                            for (int kx = 0; kx < g.KernelWidth; kx++)
                            {
                                int ix = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                                if ((uint)ix >= (uint)g.InputWidth) continue;
                                int pixel = ((n * g.InputHeight + iy) * g.InputWidth + ix) * _inChannels;
                                if (_kind == Kind.Depthwise)
                                    acc += x[pixel + o / _multiplier] * _weights[(ky * g.KernelWidth + kx) * _outChannels + o];
                                else
                                    for (int c = 0; c < _inChannels; c++)
                                        acc += x[pixel + c] * _weights[((o * g.KernelHeight + ky) * g.KernelWidth + kx) * _inChannels + c];
                            }
                        }
                        y[((n * g.OutputHeight + oy) * g.OutputWidth + ox) * _outChannels + o] = Math.Clamp(acc, _min, _max);
                    }
    }
}
