using System.Runtime.InteropServices;
using MobileNets.Kernels.Quantized;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// Element-wise LOGISTIC, HARD_SWISH, RELU and RELU6. Quantized, a 256-entry table built as
/// XNNPACK's lookup-table operators build theirs (src/operators/lut-elementwise-nc.c):
/// lrintf(f((x - zx)·s_in) · (1/s_out)) + zy, clamped; the sigmoid is XNNPACK's
/// calculate_sigmoid. Float tensors apply the function directly.
/// </summary>
internal sealed class LookupActivationOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly Func<float, float> _function;
    readonly byte[]? _table;

    LookupActivationOperator(int index, GraphTensor input, GraphTensor output, Func<float, float> function, byte[]? table) : base(index)
    {
        _input = input; _output = output; _function = function; _table = table;
    }

    static float Sigmoid(float x) => float.IsNegative(x) ? 1.0f / (1.0f + MathF.Exp(-x)) : 1.0f - 1.0f / (1.0f + MathF.Exp(x));
    static float HardSwish(float x) => x * MathF.Min(MathF.Max(x + 3f, 0f), 6f) / 6f;

    public static GraphOperator Build(OperatorSite site, TfLiteBuiltin op)
    {
        site.RequireArity(1, 1, 1);
        var input = site.Input(0);
        var output = site.Output();
        site.RequireShape(output, input.Shape);
        Func<float, float> f = op switch
        {
            TfLiteBuiltin.Logistic => Sigmoid,
            TfLiteBuiltin.HardSwish => HardSwish,
            TfLiteBuiltin.Relu => x => MathF.Max(x, 0f),
            _ => x => MathF.Min(MathF.Max(x, 0f), 6f),
        };
        byte[]? table = null;
        if (site.IsQuantized(input, output))
        {
            table = new byte[256];
            float inverse = 1.0f / output.Scale;
            for (int u = 0; u < 256; u++)
            {
                float real = (u - input.ZeroPoint) * input.Scale;
                int q = (int)MathF.Round(f(real) * inverse, MidpointRounding.ToEven) + output.ZeroPoint;
                table[u] = (byte)Math.Clamp(q, 0, 255);
            }
        }
        return new LookupActivationOperator(site.Index, input, output, f, table);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var y = context.Data(_output);
        if (_table != null)
        {
            for (int i = 0; i < x.Length; i++) y[i] = _table[x[i]];
            return;
        }
        var xf = MemoryMarshal.Cast<byte, float>(x);
        var yf = MemoryMarshal.Cast<byte, float>(y);
        for (int i = 0; i < xf.Length; i++) yf[i] = _function(xf[i]);
    }
}
