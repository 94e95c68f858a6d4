namespace MobileNets.Weights.PyTorch;

/// <summary>
/// The pickle opcodes a PyTorch state dict uses, named as in Python's pickletools. The restricted
/// unpickler understands exactly these; any other opcode (PUT/GET in text form, INST, OBJ, EXT*,
/// PERSID, POP, DUP, ...) is refused, as torch's _weights_only_unpickler.py refuses them.
/// </summary>
internal static class PickleOpcodes
{
    public const byte Mark = (byte)'(';
    public const byte Stop = (byte)'.';
    public const byte BinInt = (byte)'J';
    public const byte BinInt1 = (byte)'K';
    public const byte BinInt2 = (byte)'M';
    public const byte None = (byte)'N';
    public const byte BinPersId = (byte)'Q';
    public const byte Reduce = (byte)'R';
    public const byte BinString = (byte)'T';
    public const byte ShortBinString = (byte)'U';
    public const byte BinUnicode = (byte)'X';
    public const byte Append = (byte)'a';
    public const byte Build = (byte)'b';
    public const byte Global = (byte)'c';
    public const byte Appends = (byte)'e';
    public const byte BinGet = (byte)'h';
    public const byte LongBinGet = (byte)'j';
    public const byte EmptyList = (byte)']';
    public const byte BinPut = (byte)'q';
    public const byte LongBinPut = (byte)'r';
    public const byte SetItem = (byte)'s';
    public const byte Tuple = (byte)'t';
    public const byte EmptyTuple = (byte)')';
    public const byte SetItems = (byte)'u';
    public const byte BinFloat = (byte)'G';
    public const byte EmptyDict = (byte)'}';

    // protocol 2
    public const byte Proto = 0x80;
    public const byte NewObj = 0x81;
    public const byte Tuple1 = 0x85;
    public const byte Tuple2 = 0x86;
    public const byte Tuple3 = 0x87;
    public const byte NewTrue = 0x88;
    public const byte NewFalse = 0x89;
    public const byte Long1 = 0x8a;

    // protocol 3
    public const byte BinBytes = (byte)'B';
    public const byte ShortBinBytes = (byte)'C';

    // protocol 4
    public const byte ShortBinUnicode = 0x8c;
    public const byte BinUnicode8 = 0x8d;
    public const byte EmptySet = 0x8f;
    public const byte AddItems = 0x90;
    public const byte StackGlobal = 0x93;
    public const byte Memoize = 0x94;
    public const byte Frame = 0x95;

    /// <summary>The pickletools name of an opcode byte, for error messages.</summary>
    public static string Name(byte op) => op switch
    {
        (byte)'(' => "MARK", (byte)'.' => "STOP", (byte)'J' => "BININT", (byte)'K' => "BININT1", (byte)'M' => "BININT2",
        (byte)'N' => "NONE", (byte)'Q' => "BINPERSID", (byte)'R' => "REDUCE", (byte)'T' => "BINSTRING",
        (byte)'U' => "SHORT_BINSTRING", (byte)'X' => "BINUNICODE", (byte)'a' => "APPEND", (byte)'b' => "BUILD",
        (byte)'c' => "GLOBAL", (byte)'e' => "APPENDS", (byte)'h' => "BINGET", (byte)'j' => "LONG_BINGET",
        (byte)']' => "EMPTY_LIST", (byte)'q' => "BINPUT", (byte)'r' => "LONG_BINPUT", (byte)'s' => "SETITEM",
        (byte)'t' => "TUPLE", (byte)')' => "EMPTY_TUPLE", (byte)'u' => "SETITEMS", (byte)'G' => "BINFLOAT",
        (byte)'}' => "EMPTY_DICT", 0x80 => "PROTO", 0x81 => "NEWOBJ", 0x85 => "TUPLE1", 0x86 => "TUPLE2",
        0x87 => "TUPLE3", 0x88 => "NEWTRUE", 0x89 => "NEWFALSE", 0x8a => "LONG1", (byte)'B' => "BINBYTES",
        (byte)'C' => "SHORT_BINBYTES", 0x8c => "SHORT_BINUNICODE", 0x8d => "BINUNICODE8", 0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS", 0x93 => "STACK_GLOBAL", 0x94 => "MEMOIZE", 0x95 => "FRAME",
        // refused, named for the message
        (byte)'I' => "INT", (byte)'L' => "LONG", (byte)'F' => "FLOAT", (byte)'S' => "STRING", (byte)'V' => "UNICODE",
        (byte)'P' => "PERSID", (byte)'p' => "PUT", (byte)'g' => "GET", (byte)'i' => "INST", (byte)'o' => "OBJ",
        (byte)'0' => "POP", (byte)'1' => "POP_MARK", (byte)'2' => "DUP", (byte)'l' => "LIST", (byte)'d' => "DICT",
        0x82 => "EXT1", 0x83 => "EXT2", 0x84 => "EXT4", 0x8b => "LONG4", 0x8e => "BINBYTES8", 0x91 => "FROZENSET",
        0x92 => "NEWOBJ_EX", 0x96 => "BYTEARRAY8", 0x97 => "NEXT_BUFFER", 0x98 => "READONLY_BUFFER",
        _ => "unknown",
    };
}
