using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>
/// A tensor of the executed subgraph with its run-time representation. 8-bit quantized tensors
/// are stored in the unsigned domain: int8 values are shifted by +128 (x ^ 0x80) and their zero
/// point with them, so every 8-bit kernel works on bytes with one set of formulas; the real value
/// is unchanged because value and zero point shift together.
/// </summary>
internal sealed class GraphTensor
{
    /// <summary>Largest tensor this engine allocates (bytes).</summary>
    public const long MaxBytes = 1L << 28;

    public TfLiteTensorDef Def { get; }
    public int Index => Def.Index;
    public string Name => Def.Name;
    public TfLiteTensorType Type => Def.Type;
    public int[] Shape => Def.Shape;
    public int ElementCount { get; }
    public int ByteLength { get; }
    /// <summary>Constant data in the run-time representation, or null for activations.</summary>
    public byte[]? Constant { get; set; }
    public bool IsConstant => Constant != null;
    /// <summary>True for UINT8/INT8 tensors with one scale and zero point (per-tensor quantization).</summary>
    public bool IsQuantized8 { get; }
    public float Scale { get; }
    /// <summary>Zero point in the unsigned storage domain (int8 zero point + 128).</summary>
    public int ZeroPoint { get; }
    /// <summary>128 for INT8 tensors (stored shifted), 0 otherwise.</summary>
    public int SignedOffset => Type == TfLiteTensorType.Int8 ? 128 : 0;

    public GraphTensor(TfLiteTensorDef def, string source)
    {
        Def = def;
        int size = TfLiteTensorTypes.SizeOf(def.Type);
        if (size == 0) throw new ModelFormatException($"{source}: tensor {def.Index} '{def.Name}' has unsupported TFLite type {TfLiteTensorTypes.Name(def.Type)}");
        long count = 1;
        foreach (int d in def.Shape)
        {
            count *= d;
            if (count * size > MaxBytes) throw new ModelFormatException($"{source}: tensor {def.Index} '{def.Name}' of shape {def.ShapeText} exceeds the {MaxBytes}-byte limit");
        }
        ElementCount = (int)count;
        ByteLength = (int)(count * size);
        var q = def.Quantization;
        if (def.Type is TfLiteTensorType.UInt8 or TfLiteTensorType.Int8 && q != null && q.IsPerTensor)
        {
            long zp = q.ZeroPoints[0] + SignedOffset;
            if (zp is < 0 or > 255) throw new ModelFormatException($"{source}: tensor {def.Index} '{def.Name}' has zero point {q.ZeroPoints[0]} outside its type's range");
            IsQuantized8 = true;
            Scale = q.Scales[0];
            ZeroPoint = (int)zp;
        }
    }

    public string Describe => $"tensor {Index} '{Name}' ({TfLiteTensorTypes.Name(Type)} {Def.ShapeText})";
}
