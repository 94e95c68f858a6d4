using System.Buffers.Binary;
using System.Text.Json;

namespace MobileNets.Weights;

/// <summary>One tensor's entry in a safetensors header.</summary>
internal sealed record SafeTensorInfo(string Name, TensorDType DType, int[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Reader for the safetensors format (8-byte little-endian header length, JSON header, data section).
/// Everything the header claims is checked against the file size and <see cref="MaxHeaderBytes"/>
/// before anything is allocated; each tensor's bytes are read once, on demand.
/// </summary>
internal sealed class SafeTensorsFile : IDisposable
{
    /// <summary>The safetensors spec caps the header at 100 MB.</summary>
    public const long MaxHeaderBytes = 100_000_000;
    const int MaxRank = 8;

    readonly Stream _stream;
    readonly long _dataStart;
    readonly Dictionary<string, SafeTensorInfo> _byName;

    public string Source { get; }
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    SafeTensorsFile(Stream stream, string source, long dataStart, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        _stream = stream;
        Source = source;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public static SafeTensorsFile Open(string path)
    {
        FileStream fs;
        try { fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"cannot open '{path}': {e.Message}", e); }
        try { return Open(fs, Path.GetFileName(path)); }
        catch { fs.Dispose(); throw; }
    }

    /// <summary>Parses the header of a seekable stream; the stream is owned (disposed) by the result.</summary>
    public static SafeTensorsFile Open(Stream stream, string source)
    {
        if (!stream.CanSeek) throw new ArgumentException("safetensors needs a seekable stream", nameof(stream));
        long fileLength = stream.Length;
        if (fileLength < 8) throw new ModelFormatException($"{source}: not a safetensors file (shorter than its 8-byte header length)");
        Span<byte> lenBytes = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lenBytes);
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLen > MaxHeaderBytes)
            throw new ModelFormatException($"{source}: safetensors header of {headerLen} bytes exceeds the limit of {MaxHeaderBytes} bytes");
        if ((long)headerLen > fileLength - 8)
            throw new ModelFormatException($"{source}: safetensors header of {headerLen} bytes runs past the end of the {fileLength}-byte file");
        var header = new byte[headerLen];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLen;
        long dataLength = fileLength - dataStart;

        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException($"{source}: safetensors header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw new ModelFormatException($"{source}: __metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new ModelFormatException($"{source}: __metadata__ value '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                tensors.Add(ParseEntry(source, prop, dataLength));
            }
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: safetensors header is not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
        return new SafeTensorsFile(stream, source, dataStart, tensors, metadata);
    }

    static SafeTensorInfo ParseEntry(string source, JsonProperty prop, long dataLength)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array)
            throw new ModelFormatException($"{source}: tensor '{name}' lacks dtype, shape or data_offsets");
        if (!TensorDTypes.TryParse(dt.GetString()!, out var dtype))
            throw new ModelFormatException($"{source}: tensor '{name}' has unsupported dtype '{dt.GetString()}'");
        if (sh.GetArrayLength() > MaxRank)
            throw new ModelFormatException($"{source}: tensor '{name}' has rank {sh.GetArrayLength()} (limit {MaxRank})");
        var shape = new int[sh.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int di) || di < 0)
                throw new ModelFormatException($"{source}: tensor '{name}' has an invalid dimension");
            shape[i++] = di;
            count *= di;
            if (count > dataLength) count = dataLength + 1; // saturate: it cannot fit anyway
        }
        if (off.GetArrayLength() != 2)
            throw new ModelFormatException($"{source}: tensor '{name}' data_offsets must have two entries");
        long begin = off[0].TryGetInt64(out var b) ? b : -1, end = off[1].TryGetInt64(out var e) ? e : -1;
        if (begin < 0 || end < begin || end > dataLength)
            throw new ModelFormatException($"{source}: tensor '{name}' data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section");
        long expected = count * TensorDTypes.SizeOf(dtype);
        if (end - begin != expected)
            throw new ModelFormatException($"{source}: tensor '{name}' holds {end - begin} bytes but its {TensorDTypes.Name(dtype)} shape [{string.Join(",", shape)}] needs {expected}");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public SafeTensorInfo Get(string name) =>
        _byName.TryGetValue(name, out var t) ? t : throw new ModelFormatException($"{Source}: tensor '{name}' is missing");

    public bool TryGet(string name, out SafeTensorInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>The tensor's raw little-endian bytes.</summary>
    public byte[] ReadBytes(SafeTensorInfo t)
    {
        var buffer = new byte[t.End - t.Begin];
        lock (_stream)
        {
            _stream.Position = _dataStart + t.Begin;
            _stream.ReadExactly(buffer);
        }
        return buffer;
    }

    /// <summary>The tensor converted to float32 (F32, F16, BF16, F64 and integer types are accepted).</summary>
    public float[] ReadFloat32(SafeTensorInfo t) => DTypeConversion.ToFloat32(ReadBytes(t), t.DType);

    public float[] ReadFloat32(string name) => ReadFloat32(Get(name));

    public void Dispose() => _stream.Dispose();
}
