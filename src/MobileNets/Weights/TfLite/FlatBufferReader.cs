using System.Buffers.Binary;

namespace MobileNets.Weights.TfLite;

/// <summary>
/// Bounds-checked access to a FlatBuffers buffer (https://flatbuffers.dev/internals/): every
/// offset, vtable and vector length is checked against the buffer before it is followed, and any
/// violation raises <see cref="ModelFormatException"/> naming the field. Vector lengths are checked
/// against the bytes that remain, so nothing allocated from them can exceed the file's size.
/// </summary>
internal readonly struct FlatBufferReader
{
    readonly byte[] _data;
    readonly string _source;

    public FlatBufferReader(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    public int Length => _data.Length;
    public byte[] Data => _data;
    public string Source => _source;

    public ModelFormatException Error(string what) => new($"{_source}: {what}");

    void Require(long position, long size, string what)
    {
        if (position < 0 || size < 0 || position > _data.Length - size)
            throw Error($"{what} at byte {position} (+{size}) lies outside the {_data.Length}-byte file");
    }

    public uint ReadUInt32(long position, string what)
    {
        Require(position, 4, what);
        return BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan((int)position, 4));
    }

    /// <summary>The root table, found through the uoffset at the start of the buffer.</summary>
    public FlatTable Root(string what)
    {
        long table = ReadUInt32(0, "root offset");
        return Table(table, what);
    }

    /// <summary>Validates a table's vtable (its size, the table's size, and that both lie in the buffer).</summary>
    public FlatTable Table(long position, string what)
    {
        Require(position, 4, what);
        if ((position & 3) != 0) throw Error($"{what} at byte {position} is not 4-byte aligned");
        int soffset = BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan((int)position, 4));
        long vtable = position - soffset;
        Require(vtable, 4, $"{what} vtable");
        if ((vtable & 1) != 0) throw Error($"{what} vtable at byte {vtable} is not 2-byte aligned");
        int vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan((int)vtable, 2));
        int tableSize = BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan((int)vtable + 2, 2));
        if (vtableSize < 4 || (vtableSize & 1) != 0)
            throw Error($"{what} vtable at byte {vtable} has invalid size {vtableSize}");
        Require(vtable, vtableSize, $"{what} vtable");
        if (tableSize < 4) throw Error($"{what} at byte {position} has invalid size {tableSize}");
        Require(position, tableSize, what);
        return new FlatTable(this, (int)position, (int)vtable, (vtableSize - 4) / 2, tableSize, what);
    }

    /// <summary>A vector's element count and first element position, checked to fit in the buffer.</summary>
    public (int Start, int Count) Vector(long position, int elementSize, string what)
    {
        if ((position & 3) != 0) throw Error($"{what} vector at byte {position} is not 4-byte aligned");
        uint count = ReadUInt32(position, $"{what} length");
        long start = position + 4;
        if (count > (_data.Length - start) / elementSize)
            throw Error($"{what} claims {count} elements of {elementSize} bytes but only {_data.Length - start} bytes remain");
        return ((int)start, (int)count);
    }

    public ReadOnlySpan<byte> Span(int start, int length) => _data.AsSpan(start, length);
}

/// <summary>One table: field lookup through its (already validated) vtable.</summary>
internal readonly struct FlatTable
{
    readonly FlatBufferReader _reader;
    readonly int _position, _vtable, _fieldCount, _size;
    readonly string _what;

    public FlatTable(FlatBufferReader reader, int position, int vtable, int fieldCount, int size, string what)
    {
        _reader = reader; _position = position; _vtable = vtable; _fieldCount = fieldCount; _size = size; _what = what;
    }

    public string What => _what;

    /// <summary>Where the table starts in the buffer and its size in bytes (its vtable lies elsewhere).</summary>
    public (int Position, int Size) Extent => (_position, _size);

    /// <summary>Absolute position of field <paramref name="index"/>, or -1 when absent; checks it fits in the table.</summary>
    int FieldPosition(int index, int size, string name)
    {
        if (index >= _fieldCount) return -1;
        int offset = BinaryPrimitives.ReadUInt16LittleEndian(_reader.Span(_vtable + 4 + 2 * index, 2));
        if (offset == 0) return -1;
        if (offset < 4 || offset + size > _size)
            throw _reader.Error($"{_what}.{name} at table offset {offset} lies outside the {_size}-byte table");
        return _position + offset;
    }

    public bool Has(int index) => index < _fieldCount && BinaryPrimitives.ReadUInt16LittleEndian(_reader.Span(_vtable + 4 + 2 * index, 2)) != 0;

    public byte UInt8(int index, string name, byte defaultValue = 0)
    {
        int p = FieldPosition(index, 1, name);
        return p < 0 ? defaultValue : _reader.Span(p, 1)[0];
    }

    public sbyte Int8(int index, string name, sbyte defaultValue = 0) => (sbyte)UInt8(index, name, (byte)defaultValue);

    public bool Bool(int index, string name, bool defaultValue = false) => UInt8(index, name, defaultValue ? (byte)1 : (byte)0) != 0;

    public int Int32(int index, string name, int defaultValue = 0)
    {
        int p = FieldPosition(index, 4, name);
        return p < 0 ? defaultValue : BinaryPrimitives.ReadInt32LittleEndian(_reader.Span(p, 4));
    }

    public uint UInt32(int index, string name, uint defaultValue = 0) => (uint)Int32(index, name, (int)defaultValue);

    public float Float32(int index, string name, float defaultValue = 0f)
    {
        int p = FieldPosition(index, 4, name);
        return p < 0 ? defaultValue : BinaryPrimitives.ReadSingleLittleEndian(_reader.Span(p, 4));
    }

    public ulong UInt64(int index, string name, ulong defaultValue = 0)
    {
        int p = FieldPosition(index, 8, name);
        return p < 0 ? defaultValue : BinaryPrimitives.ReadUInt64LittleEndian(_reader.Span(p, 8));
    }

    /// <summary>Follows the uoffset stored in field <paramref name="index"/>; -1 when absent.</summary>
    long Target(int index, string name)
    {
        int p = FieldPosition(index, 4, name);
        if (p < 0) return -1;
        return p + (long)_reader.ReadUInt32(p, $"{_what}.{name}");
    }

    public FlatTable? Table(int index, string name)
    {
        long t = Target(index, name);
        return t < 0 ? null : _reader.Table(t, $"{_what}.{name}");
    }

    public string? String(int index, string name)
    {
        long t = Target(index, name);
        if (t < 0) return null;
        var (start, count) = _reader.Vector(t, 1, $"{_what}.{name}");
        return System.Text.Encoding.UTF8.GetString(_reader.Span(start, count));
    }

    /// <summary>A vector of scalars as raw bytes (empty when absent).</summary>
    public ReadOnlySpan<byte> ScalarVector(int index, string name, int elementSize, out int count)
    {
        long t = Target(index, name);
        if (t < 0) { count = 0; return default; }
        var (start, n) = _reader.Vector(t, elementSize, $"{_what}.{name}");
        count = n;
        return _reader.Span(start, n * elementSize);
    }

    /// <summary>Start of a vector of bytes within the file, for zero-copy buffer access.</summary>
    public (int Start, int Count) ByteVector(int index, string name)
    {
        long t = Target(index, name);
        if (t < 0) return (0, 0);
        return _reader.Vector(t, 1, $"{_what}.{name}");
    }

    public int[] Int32Vector(int index, string name)
    {
        var raw = ScalarVector(index, name, 4, out int n);
        var result = new int[n];
        for (int i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
        return result;
    }

    public long[] Int64Vector(int index, string name)
    {
        var raw = ScalarVector(index, name, 8, out int n);
        var result = new long[n];
        for (int i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]);
        return result;
    }

    public float[] Float32Vector(int index, string name)
    {
        var raw = ScalarVector(index, name, 4, out int n);
        var result = new float[n];
        for (int i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
        return result;
    }

    /// <summary>The element count of a vector of 4-byte elements (0 when absent), checked to fit in the buffer; allocates nothing.</summary>
    public int VectorCount(int index, string name)
    {
        long t = Target(index, name);
        return t < 0 ? 0 : _reader.Vector(t, 4, $"{_what}.{name}").Count;
    }

    /// <summary>The tables of a vector of tables (empty when absent); each element is validated.</summary>
    public FlatTable[] TableVector(int index, string name)
    {
        long t = Target(index, name);
        if (t < 0) return [];
        var (start, n) = _reader.Vector(t, 4, $"{_what}.{name}");
        var result = new FlatTable[n];
        for (int i = 0; i < n; i++)
        {
            long element = start + 4L * i;
            result[i] = _reader.Table(element + _reader.ReadUInt32(element, $"{_what}.{name}[{i}]"), $"{_what}.{name}[{i}]");
        }
        return result;
    }
}
