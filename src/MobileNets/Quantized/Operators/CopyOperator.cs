using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>RESHAPE and SQUEEZE: the bytes are unchanged; only the declared shape differs.</summary>
internal sealed class CopyOperator : GraphOperator
{
    readonly GraphTensor _input, _output;

    CopyOperator(int index, GraphTensor input, GraphTensor output) : base(index) { _input = input; _output = output; }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(1, 2, 1);
        var input = site.Input(0);
        var output = site.Output();
        site.RequireSameType(input, output);
        site.Require(input.ElementCount == output.ElementCount, $"{input.Describe} and {output.Describe} hold different element counts");
        if (input.IsQuantized8)
            site.Require(output.IsQuantized8 && output.Scale == input.Scale && output.ZeroPoint == input.ZeroPoint,
                $"{output.Describe} must keep the quantization of {input.Describe}");
        return new CopyOperator(site.Index, input, output);
    }

    public override void Execute(ExecutionContext context) => context.Data(_input).CopyTo(context.Data(_output));
}
