using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MobileNets.Weights;

internal static class DTypeConversion
{
    /// <summary>Widens little-endian raw data of any numeric dtype to float32.</summary>
    public static float[] ToFloat32(ReadOnlySpan<byte> raw, TensorDType dtype)
    {
        int n = raw.Length / TensorDTypes.SizeOf(dtype);
        var result = new float[n];
        switch (dtype)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(result);
                break;
            case TensorDType.F16:
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw), result);
                break;
            case TensorDType.BF16:
                for (int i = 0; i < n; i++)
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16);
                break;
            case TensorDType.F64:
                for (int i = 0; i < n; i++) result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                break;
            case TensorDType.I64:
                for (int i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]);
                break;
            case TensorDType.I32:
                for (int i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
                break;
            case TensorDType.I16:
                for (int i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]);
                break;
            case TensorDType.I8:
                for (int i = 0; i < n; i++) result[i] = (sbyte)raw[i];
                break;
            case TensorDType.U8:
            case TensorDType.Bool:
                for (int i = 0; i < n; i++) result[i] = raw[i];
                break;
        }
        return result;
    }
}
