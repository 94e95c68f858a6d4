using System.Buffers.Binary;
using MobileNets.Tests.Hardening;
using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.PyTorch;

/// <summary>Splits a pickle into its opcodes (each with its argument), as pickletools.genops does, for chunk-level fuzzing.</summary>
internal static class PickleOps
{
    /// <summary>The opcodes from <paramref name="start"/> through STOP (or until an unknown opcode or <paramref name="end"/>).</summary>
    public static IEnumerable<FileChunk> Chunks(byte[] b, int start, int end)
    {
        for (int p = start; p < end;)
        {
            byte op = b[p];
            int length = 1 + Argument(b, p + 1, op);
            if (length <= 0 || p + length > end) yield break;
            yield return new FileChunk(p, length, PickleOpcodes.Name(op));
            if (op == PickleOpcodes.Stop) yield break;
            p += length;
        }
    }

    /// <summary>The argument's size in bytes; -2 for an opcode this walker does not know.</summary>
    static int Argument(byte[] b, int at, byte op)
    {
        int Byte() => at < b.Length ? b[at] : 0;
        int UInt32() => at + 4 <= b.Length ? (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)), int.MaxValue - 16) : 0;
        int Line(int from) { int nl = Array.IndexOf(b, (byte)'\n', from); return nl < 0 ? b.Length - from : nl - from + 1; }
        return op switch
        {
            PickleOpcodes.Proto or PickleOpcodes.BinInt1 or PickleOpcodes.BinPut or PickleOpcodes.BinGet => 1,
            PickleOpcodes.BinInt2 => 2,
            PickleOpcodes.BinInt or PickleOpcodes.LongBinPut or PickleOpcodes.LongBinGet => 4,
            PickleOpcodes.BinFloat or PickleOpcodes.Frame => 8,
            PickleOpcodes.ShortBinUnicode or PickleOpcodes.ShortBinString or PickleOpcodes.ShortBinBytes or PickleOpcodes.Long1 => 1 + Byte(),
            PickleOpcodes.BinUnicode or PickleOpcodes.BinString or PickleOpcodes.BinBytes => 4 + UInt32(),
            PickleOpcodes.Global => Line(at) is int module && module > 0 ? module + Line(at + module) : -2,
            PickleOpcodes.Mark or PickleOpcodes.Stop or PickleOpcodes.None or PickleOpcodes.BinPersId or PickleOpcodes.Reduce
                or PickleOpcodes.Append or PickleOpcodes.Build or PickleOpcodes.Appends or PickleOpcodes.EmptyList
                or PickleOpcodes.SetItem or PickleOpcodes.Tuple or PickleOpcodes.EmptyTuple or PickleOpcodes.SetItems
                or PickleOpcodes.EmptyDict or PickleOpcodes.NewObj or PickleOpcodes.Tuple1 or PickleOpcodes.Tuple2
                or PickleOpcodes.Tuple3 or PickleOpcodes.NewTrue or PickleOpcodes.NewFalse or PickleOpcodes.EmptySet
                or PickleOpcodes.AddItems or PickleOpcodes.StackGlobal or PickleOpcodes.Memoize => 0,
            _ => -2,
        };
    }
}
