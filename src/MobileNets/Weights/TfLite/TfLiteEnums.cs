namespace MobileNets.Weights.TfLite;

/// <summary>TFLite tensor element types (schema.fbs, enum TensorType).</summary>
internal enum TfLiteTensorType : sbyte
{
    Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, String = 5, Bool = 6, Int16 = 7,
    Complex64 = 8, Int8 = 9, Float64 = 10, Complex128 = 11, UInt64 = 12, Resource = 13, Variant = 14,
    UInt32 = 15, UInt16 = 16, Int4 = 17,
}

/// <summary>The builtin operators this engine executes (values are schema.fbs BuiltinOperator codes).</summary>
internal enum TfLiteBuiltin
{
    Add = 0, AveragePool2D = 1, Concatenation = 2, Conv2D = 3, DepthwiseConv2D = 4, Dequantize = 6,
    FullyConnected = 9, Logistic = 14, MaxPool2D = 17, Mul = 18, Relu = 19, Relu6 = 21, Reshape = 22,
    ResizeBilinear = 23, Softmax = 25, Pad = 34, Mean = 40, Squeeze = 43, ArgMax = 56, Quantize = 114,
    HardSwish = 117,
}

/// <summary>Fused activation (schema.fbs, enum ActivationFunctionType).</summary>
internal enum TfLiteActivation : byte { None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4, SignBit = 5 }

/// <summary>Convolution and pooling padding (schema.fbs, enum Padding).</summary>
internal enum TfLitePadding : byte { Same = 0, Valid = 1 }

internal static class TfLiteTensorTypes
{
    /// <summary>Bytes per element for the types this engine stores; 0 for the others.</summary>
    public static int SizeOf(TfLiteTensorType t) => t switch
    {
        TfLiteTensorType.Float32 or TfLiteTensorType.Int32 => 4,
        TfLiteTensorType.Int64 => 8,
        TfLiteTensorType.UInt8 or TfLiteTensorType.Int8 or TfLiteTensorType.Bool => 1,
        TfLiteTensorType.Int16 => 2,
        _ => 0,
    };

    public static string Name(TfLiteTensorType t) => t switch
    {
        >= TfLiteTensorType.Float32 and <= TfLiteTensorType.Int4 => t.ToString().ToUpperInvariant(),
        _ => $"type {(int)t}",
    };

    /// <summary>The project's dtype for a TFLite type this engine stores.</summary>
    public static TensorDType ToDType(TfLiteTensorType t) => t switch
    {
        TfLiteTensorType.Float32 => TensorDType.F32,
        TfLiteTensorType.Int32 => TensorDType.I32,
        TfLiteTensorType.Int64 => TensorDType.I64,
        TfLiteTensorType.UInt8 => TensorDType.U8,
        TfLiteTensorType.Int8 => TensorDType.I8,
        TfLiteTensorType.Int16 => TensorDType.I16,
        TfLiteTensorType.Bool => TensorDType.Bool,
        _ => throw new ModelFormatException($"TFLite tensor type {Name(t)} is not supported"),
    };
}
