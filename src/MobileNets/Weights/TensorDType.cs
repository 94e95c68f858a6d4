namespace MobileNets.Weights;

/// <summary>Element types found in weight files (safetensors names).</summary>
internal enum TensorDType
{
    F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool,
}

internal static class TensorDTypes
{
    public static int SizeOf(TensorDType t) => t switch
    {
        TensorDType.F64 or TensorDType.I64 => 8,
        TensorDType.F32 or TensorDType.I32 => 4,
        TensorDType.F16 or TensorDType.BF16 or TensorDType.I16 => 2,
        _ => 1,
    };

    public static bool TryParse(string s, out TensorDType t)
    {
        switch (s)
        {
            case "F32": t = TensorDType.F32; return true;
            case "F16": t = TensorDType.F16; return true;
            case "BF16": t = TensorDType.BF16; return true;
            case "F64": t = TensorDType.F64; return true;
            case "I64": t = TensorDType.I64; return true;
            case "I32": t = TensorDType.I32; return true;
            case "I16": t = TensorDType.I16; return true;
            case "I8": t = TensorDType.I8; return true;
            case "U8": t = TensorDType.U8; return true;
            case "BOOL": t = TensorDType.Bool; return true;
            default: t = default; return false;
        }
    }

    public static string Name(TensorDType t) => t == TensorDType.Bool ? "BOOL" : t.ToString().ToUpperInvariant();
}
