using System.Runtime.InteropServices;
using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// QUANTIZE and DEQUANTIZE as XNNPACK converts: float to 8-bit x·(1/scale) clamped, rounded to
/// nearest-even, plus zp (f32-qu8-vcvt); 8-bit to float (x - zp)·scale (qu8-f32-vcvt); 8-bit to the
/// same 8-bit type with new parameters by the fixed-point qu8/qs8-vcvt
/// (src/microparams-init.c, xnn_init_qu8_cvt_scalar_params): m = lrintf(256·s_in/s_out),
/// out = ((x - zx)·m + 128) >> 8 + zy, clamped. UINT8 to INT8 with equal scale and zero points 128
/// apart is the identity in the shifted storage.
/// </summary>
internal sealed class QuantizeOperator : GraphOperator
{
    enum Mode { FloatToQuantized, QuantizedToFloat, Requantize }

    readonly Mode _mode;
    readonly GraphTensor _input, _output;
    readonly float _inverseScale;
    readonly byte[]? _table;

    QuantizeOperator(int index, Mode mode, GraphTensor input, GraphTensor output, float inverseScale, byte[]? table) : base(index)
    {
        _mode = mode; _input = input; _output = output; _inverseScale = inverseScale; _table = table;
    }

    public static GraphOperator Build(OperatorSite site, bool dequantize)
    {
        site.RequireArity(1, 1, 1);
        var input = site.Input(0);
        var output = site.Output();
        site.RequireShape(output, input.Shape);
        if (dequantize)
        {
            site.RequireQuantized8(input);
            site.Require(output.Type == TfLiteTensorType.Float32, $"{output.Describe} must be FLOAT32");
            return new QuantizeOperator(site.Index, Mode.QuantizedToFloat, input, output, 0, null);
        }
        site.RequireQuantized8(output);
        if (input.Type == TfLiteTensorType.Float32)
            return new QuantizeOperator(site.Index, Mode.FloatToQuantized, input, output, 1.0f / output.Scale, null);
        site.RequireQuantized8(input);
        var table = new byte[256];
        if (input.Type != output.Type)
        {
            site.Require(input.Scale == output.Scale && input.ZeroPoint == output.ZeroPoint,
                "re-quantizing between UINT8 and INT8 is only supported with equal scales and zero points 128 apart");
            for (int u = 0; u < 256; u++) table[u] = (byte)u;
        }
        else
        {
            float ratio = input.Scale / output.Scale;
            site.Require(ratio >= 1f / 256 && ratio <= 128f, "input-to-output scale outside [2^-8, 2^7]");
            int multiplier = (int)MathF.Round(256f * ratio, MidpointRounding.ToEven);
            for (int u = 0; u < 256; u++)
                table[u] = (byte)Math.Clamp((((u - input.ZeroPoint) * multiplier + 0x80) >> 8) + output.ZeroPoint, 0, 255);
        }
        return new QuantizeOperator(site.Index, Mode.Requantize, input, output, 0, table);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var y = context.Data(_output);
        switch (_mode)
        {
            case Mode.Requantize:
                for (int i = 0; i < x.Length; i++) y[i] = _table![x[i]];
                break;
            case Mode.QuantizedToFloat:
                var yf = MemoryMarshal.Cast<byte, float>(y);
                for (int i = 0; i < x.Length; i++) yf[i] = (x[i] - _input.ZeroPoint) * _input.Scale;
                break;
            default:
                var xf = MemoryMarshal.Cast<byte, float>(x);
                int zp = _output.ZeroPoint;
                for (int i = 0; i < xf.Length; i++)
                {
                    float v = MathF.Min(MathF.Max(xf[i] * _inverseScale, -zp), 255 - zp);
                    y[i] = (byte)((int)MathF.Round(v, MidpointRounding.ToEven) + zp);
                }
                break;
        }
    }
}
