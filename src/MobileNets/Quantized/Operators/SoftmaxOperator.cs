using System.Runtime.InteropServices;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// SOFTMAX over the last axis. The XNNPACK delegate takes float softmax only, so quantized softmax
/// is TFLite's optimized kernel (kernels/internal/optimized/optimized_ops.h, Softmax with
/// PopulateSoftmaxLookupTable): table[255 - v] = expf(-input_scale·beta·v); per row the sum of
/// table[255 - max + x] in float, inv = 1 / (sum · output_scale), and each output is
/// (int)(p + 0.5f) for uint8 (QuantizeSoftmaxOutput off aarch64) or round-half-away for int8, plus
/// the zero point, clamped. Looking up 255 - (max - x) is the same in the shifted int8 storage.
/// </summary>
internal sealed class SoftmaxOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly bool _quantized;
    readonly float[] _table = new float[256];
    readonly float _beta;
    readonly int _rows, _depth;

    SoftmaxOperator(OperatorSite site, GraphTensor input, GraphTensor output, float beta) : base(site.Index)
    {
        _input = input; _output = output; _beta = beta;
        _depth = input.Shape[^1];
        _rows = _depth == 0 ? 0 : input.ElementCount / _depth;
        _quantized = site.IsQuantized(input, output);
        if (_quantized)
        {
            float scale = -input.Scale * beta;
            for (int v = 0; v <= 255; v++) _table[255 - v] = MathF.Exp(scale * v);
        }
    }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(1, 1, 1);
        var input = site.Input(0);
        var output = site.Output();
        site.Require(input.Shape.Length >= 1, $"{input.Describe} must have rank 1 or more");
        site.RequireShape(output, input.Shape);
        return new SoftmaxOperator(site, input, output, site.Options<SoftmaxOptions>().Beta);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var y = context.Data(_output);
        for (int r = 0; r < _rows; r++)
        {
            if (_quantized) QuantizedRow(x.Slice(r * _depth, _depth), y.Slice(r * _depth, _depth));
            else FloatRow(MemoryMarshal.Cast<byte, float>(x).Slice(r * _depth, _depth), MemoryMarshal.Cast<byte, float>(y).Slice(r * _depth, _depth));
        }
    }

    void QuantizedRow(ReadOnlySpan<byte> x, Span<byte> y)
    {
        int max = 0;
        foreach (byte v in x) max = Math.Max(max, v);
        int offset = 255 - max;
        float sum = 0f;
        foreach (byte v in x) sum += _table[offset + v];
        float inverse = 1.0f / (sum * _output.Scale);
        bool unsigned = _output.Type == TfLiteTensorType.UInt8;
        int zp = _output.ZeroPoint - _output.SignedOffset, lo = -_output.SignedOffset, hi = 255 - _output.SignedOffset;
        for (int j = 0; j < x.Length; j++)
        {
            float p = _table[offset + x[j]] * inverse;
            int q = unsigned ? (int)(p + 0.5f) : (int)MathF.Round(p, MidpointRounding.AwayFromZero);
            y[j] = (byte)(Math.Clamp(q + zp, lo, hi) + _output.SignedOffset);
        }
    }

    void FloatRow(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = float.NegativeInfinity;
        foreach (float v in x) max = MathF.Max(max, v);
        float sum = 0f;
        for (int j = 0; j < x.Length; j++) { y[j] = MathF.Exp((x[j] - max) * _beta); sum += y[j]; }
        for (int j = 0; j < x.Length; j++) y[j] /= sum;
    }
}
