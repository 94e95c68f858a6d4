using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// CONCATENATION along any axis. Inputs quantized like the output are copied (XNNPACK's concatenate
/// requires equal parameters); others are rescaled as TFLite's ConcatenationWithScaling does:
/// round-half-away(x·s + b) + zy with s = in_scale / out_scale, b = -zx·s, clamped.
/// </summary>
internal sealed class ConcatenationOperator : GraphOperator
{
    readonly GraphTensor[] _inputs;
    readonly GraphTensor _output;
    readonly int _outer, _elementSize;
    readonly int[] _innerBytes;
    readonly byte[]?[] _rescale;
    readonly (int Min, int Max) _range;

    ConcatenationOperator(int index, GraphTensor[] inputs, GraphTensor output, int outer, int[] innerBytes, int elementSize, byte[]?[] rescale, (int, int) range) : base(index)
    {
        _inputs = inputs; _output = output; _outer = outer; _innerBytes = innerBytes; _elementSize = elementSize; _rescale = rescale; _range = range;
    }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(1, 64, 1);
        var o = site.Options<ConcatenationOptions>();
        var output = site.Output();
        int rank = output.Shape.Length, axis = o.Axis < 0 ? o.Axis + rank : o.Axis;
        site.Require(axis >= 0 && axis < rank, $"axis {o.Axis} is outside rank {rank}");
        var inputs = Enumerable.Range(0, site.Op.Inputs.Length).Select(site.Input).ToArray();
        int size = TfLiteTensorTypes.SizeOf(output.Type), sum = 0;
        foreach (var t in inputs)
        {
            site.RequireSameType(t, output);
            site.Require(t.Shape.Length == rank, $"{t.Describe} must have rank {rank}");
            for (int d = 0; d < rank; d++)
                if (d != axis) site.Require(t.Shape[d] == output.Shape[d], $"{t.Describe} does not match {output.Describe} outside axis {axis}");
            sum += t.Shape[axis];
        }
        site.Require(sum == output.Shape[axis], $"inputs add up to {sum} along axis {axis}, but {output.Describe} has {output.Shape[axis]}");
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= output.Shape[d];
        for (int d = axis + 1; d < rank; d++) inner *= output.Shape[d];
        var rescale = new byte[]?[inputs.Length];
        (int, int) range = (0, 255);
        if (output.IsQuantized8)
        {
            range = ActivationRange.TfLite(output, o.Activation, site.Where);
            for (int i = 0; i < inputs.Length; i++)
            {
                site.RequireQuantized8(inputs[i]);
                if (inputs[i].Scale != output.Scale || inputs[i].ZeroPoint != output.ZeroPoint || o.Activation != TfLiteActivation.None)
                    rescale[i] = Table(inputs[i], output, range);
            }
        }
        else site.Require(o.Activation == TfLiteActivation.None, "fused activation on a non-quantized concatenation is not supported");
        return new ConcatenationOperator(site.Index, inputs, output, outer, inputs.Select(t => t.Shape[axis] * inner * size).ToArray(), size, rescale, range);
    }

    static byte[] Table(GraphTensor input, GraphTensor output, (int Min, int Max) range)
    {
        float scale = input.Scale / output.Scale;
        float bias = -(input.ZeroPoint - input.SignedOffset) * scale;
        var table = new byte[256];
        for (int u = 0; u < 256; u++)
        {
            int v = (int)MathF.Round((u - input.SignedOffset) * scale + bias, MidpointRounding.AwayFromZero) + output.ZeroPoint;
            table[u] = (byte)Math.Clamp(v, range.Min, range.Max);
        }
        return table;
    }

    public override void Execute(ExecutionContext context)
    {
        var y = context.Data(_output);
        int at = 0;
        for (int o = 0; o < _outer; o++)
            for (int i = 0; i < _inputs.Length; i++)
            {
                int n = _innerBytes[i];
                var src = context.Data(_inputs[i]).Slice(o * n, n);
                var dst = y.Slice(at, n);
                if (_rescale[i] is byte[] table)
                    for (int k = 0; k < n; k++) dst[k] = table[src[k]];
                else src.CopyTo(dst);
                at += n;
            }
    }
}
