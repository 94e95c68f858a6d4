using MobileNets.Quantized.Operators;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>Builds the executable operator for each TFLite builtin this engine supports.</summary>
internal static class OperatorFactory
{
    public static GraphOperator Build(OperatorSite site)
    {
        if (site.Op.BuiltinCode == 32 || !Enum.IsDefined((TfLiteBuiltin)site.Op.BuiltinCode))
            throw new ModelFormatException($"{site.Model.Source}: unsupported TFLite operator {site.Op.Name} (op {site.Index} in subgraph 0)");
        var op = (TfLiteBuiltin)site.Op.BuiltinCode;
        return op switch
        {
            TfLiteBuiltin.Conv2D => Conv2DOperator.Build(site),
            TfLiteBuiltin.DepthwiseConv2D => DepthwiseConv2DOperator.Build(site),
            TfLiteBuiltin.FullyConnected => FullyConnectedOperator.Build(site),
            TfLiteBuiltin.Add => ElementwiseOperator.Build(site, isAdd: true),
            TfLiteBuiltin.Mul => ElementwiseOperator.Build(site, isAdd: false),
            TfLiteBuiltin.AveragePool2D => Pool2DOperator.Build(site, average: true),
            TfLiteBuiltin.MaxPool2D => Pool2DOperator.Build(site, average: false),
            TfLiteBuiltin.Mean => MeanOperator.Build(site),
            TfLiteBuiltin.Reshape or TfLiteBuiltin.Squeeze => CopyOperator.Build(site),
            TfLiteBuiltin.Softmax => SoftmaxOperator.Build(site),
            TfLiteBuiltin.Logistic or TfLiteBuiltin.HardSwish or TfLiteBuiltin.Relu or TfLiteBuiltin.Relu6 => LookupActivationOperator.Build(site, op),
            TfLiteBuiltin.Concatenation => ConcatenationOperator.Build(site),
            TfLiteBuiltin.Pad => PadOperator.Build(site),
            TfLiteBuiltin.ResizeBilinear => ResizeBilinearOperator.Build(site),
            TfLiteBuiltin.ArgMax => ArgMaxOperator.Build(site),
            TfLiteBuiltin.Quantize => QuantizeOperator.Build(site, dequantize: false),
            TfLiteBuiltin.Dequantize => QuantizeOperator.Build(site, dequantize: true),
            _ => throw new ModelFormatException($"{site.Model.Source}: unsupported TFLite operator {site.Op.Name} (op {site.Index} in subgraph 0)"),
        };
    }
}
