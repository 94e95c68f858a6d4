namespace MobileNets.Weights.TfLite;

/// <summary>
/// Affine quantization of a tensor: real = scale * (q - zero_point), per tensor (one entry) or per
/// channel along <see cref="QuantizedDimension"/> (schema.fbs, table QuantizationParameters).
/// </summary>
internal sealed record TfLiteQuantization(float[] Scales, long[] ZeroPoints, int QuantizedDimension)
{
    public bool IsPerTensor => Scales.Length == 1;
}

/// <summary>One tensor of a subgraph as the file declares it.</summary>
internal sealed record TfLiteTensorDef(
    int Index, string Name, TfLiteTensorType Type, int[] Shape, int BufferIndex, TfLiteQuantization? Quantization, bool IsVariable)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
    public string ShapeText => "[" + string.Join(",", Shape) + "]";
}

/// <summary>A constant buffer's location inside the file (inline in the flatbuffer, or after it for large models).</summary>
internal readonly record struct TfLiteBufferDef(int Start, int Length);

/// <summary>One operator: its builtin code, tensor indices (-1 for an omitted optional input) and parsed options.</summary>
internal sealed record TfLiteOperatorDef(
    int Index, int BuiltinCode, string? CustomCode, int Version, int[] Inputs, int[] Outputs, TfLiteOptions? Options)
{
    public string Name => BuiltinCode == 32 && CustomCode != null ? $"CUSTOM({CustomCode})" : TfLiteOperatorNames.Name(BuiltinCode);
}

/// <summary>A subgraph: tensors, inputs, outputs and operators in execution order.</summary>
internal sealed record TfLiteSubgraphDef(int Index, string Name, TfLiteTensorDef[] Tensors, int[] Inputs, int[] Outputs, TfLiteOperatorDef[] Operators);
