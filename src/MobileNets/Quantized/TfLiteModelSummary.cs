using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>
/// The size of a TFLite graph, counted as the float models' cards count theirs: <see cref="Parameters"/>
/// are the elements of the constant weight and bias tensors of its CONV_2D, DEPTHWISE_CONV_2D and
/// FULLY_CONNECTED operators; <see cref="MultiplyAccumulates"/> of one inference are output elements x
/// kh x kw x input channels (CONV_2D), output elements x kh x kw (DEPTHWISE_CONV_2D) and output elements
/// x input features (FULLY_CONNECTED); other operators are not counted. <see cref="WeightQuantization"/>
/// names the scheme of those weights (<c>uint8 per-tensor</c>, <c>int8 per-channel</c>, <c>float32</c>, ...).
/// </summary>
internal sealed record TfLiteModelSummary(long Parameters, long MultiplyAccumulates, string WeightQuantization)
{
    /// <summary>Counts subgraph 0 of a parsed model.</summary>
    public static TfLiteModelSummary Of(TfLiteModelDefinition model)
    {
        var graph = model.Subgraphs[0];
        long parameters = 0, macs = 0;
        var schemes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var op in graph.Operators)
        {
            var kind = (TfLiteBuiltin)op.BuiltinCode;
            if (kind is not (TfLiteBuiltin.Conv2D or TfLiteBuiltin.DepthwiseConv2D or TfLiteBuiltin.FullyConnected)
                || op.Inputs.Length < 2 || op.Outputs.Length < 1 || op.Inputs[1] < 0)
                continue;
            var weights = graph.Tensors[op.Inputs[1]];
            var output = graph.Tensors[op.Outputs[0]];
            parameters += weights.ElementCount;
            if (op.Inputs.Length > 2 && op.Inputs[2] >= 0) parameters += graph.Tensors[op.Inputs[2]].ElementCount;
            macs += kind switch
            {
                // weights [O, kh, kw, I]
                TfLiteBuiltin.Conv2D => output.ElementCount * weights.Shape[1] * weights.Shape[2] * weights.Shape[3],
                // weights [1, kh, kw, O]
                TfLiteBuiltin.DepthwiseConv2D => output.ElementCount * weights.Shape[1] * weights.Shape[2],
                // weights [O, I]
                _ => output.ElementCount * weights.Shape[^1],
            };
            schemes.Add(Scheme(weights));
        }
        return new TfLiteModelSummary(parameters, macs, schemes.Count == 0 ? "none" : string.Join(", ", schemes));
    }

    static string Scheme(TfLiteTensorDef weights) => weights.Type switch
    {
        TfLiteTensorType.UInt8 or TfLiteTensorType.Int8 =>
            $"{TfLiteTensorTypes.Name(weights.Type).ToLowerInvariant()} {(weights.Quantization is { IsPerTensor: false } ? "per-channel" : "per-tensor")}",
        _ => TfLiteTensorTypes.Name(weights.Type).ToLowerInvariant(),
    };
}
