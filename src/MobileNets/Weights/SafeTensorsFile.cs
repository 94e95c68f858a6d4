using System.Buffers.Binary;
using System.Text.Json;

namespace MobileNets.Weights;

/// <summary>Text from a file, made fit for a one-line error message.</summary>
internal static class MessageText
{
    const int MaxShown = 120;

    /// <summary>
    /// Control characters (a name may hold an escaped newline) as \uXXXX and long names cut, so a
    /// hostile name can neither break the one-line contract of <see cref="ModelFormatException"/>
    /// nor flood a log.
    /// </summary>
    public static string Shown(string text)
    {
        var sb = new System.Text.StringBuilder(Math.Min(text.Length, MaxShown + 8));
        foreach (char c in text.Length > MaxShown ? text[..MaxShown] : text)
            if (char.IsControl(c) || char.IsSurrogate(c)) sb.Append($"\\u{(int)c:x4}"); else sb.Append(c);
        if (text.Length > MaxShown) sb.Append("...");
        return sb.ToString();
    }
}

/// <summary>One tensor's entry in a safetensors header.</summary>
internal sealed record SafeTensorInfo(string Name, TensorDType DType, int[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Reader for the safetensors format (8-byte little-endian header length, JSON header, data section).
/// Everything the header claims is checked against the file size and the <see cref="ModelFileLimits"/>
/// (header bytes, tensor count) before anything is allocated; each tensor's bytes are read once, on demand.
/// </summary>
internal sealed class SafeTensorsFile : IDisposable
{
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

    /// <summary>Opens a file; <paramref name="limits"/> default to <see cref="ModelFileLimits.Default"/>.</summary>
    public static SafeTensorsFile Open(string path, ModelFileLimits? limits = null)
    {
        FileStream fs;
        try { fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"cannot open '{path}': {e.Message}", e); }
        try { return Open(fs, Path.GetFileName(path), limits); }
        catch { fs.Dispose(); throw; }
    }

    /// <summary>Parses the header of a seekable stream; the stream is owned (disposed) by the result.</summary>
    public static SafeTensorsFile Open(Stream stream, string source, ModelFileLimits? limits = null)
    {
        if (!stream.CanSeek) throw new ArgumentException("safetensors needs a seekable stream", nameof(stream));
        limits ??= ModelFileLimits.Default;
        long fileLength = stream.Length;
        if (fileLength < 8) throw new ModelFormatException($"{source}: not a safetensors file (shorter than its 8-byte header length)");
        Span<byte> lenBytes = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lenBytes);
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLen > (ulong)limits.MaxSafeTensorsHeaderBytes)
            throw new ModelFormatException($"{source}: safetensors header of {headerLen} bytes exceeds the MaxSafeTensorsHeaderBytes limit of {limits.MaxSafeTensorsHeaderBytes}");
        if ((long)headerLen > fileLength - 8)
            throw new ModelFormatException($"{source}: safetensors header of {headerLen} bytes runs past the end of the {fileLength}-byte file");
        var header = new byte[headerLen];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLen;
        long dataLength = fileLength - dataStart;
        // The JSON reader checks the structure but not the bytes inside strings: a name with invalid
        // UTF-8 would only fail when read, as InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw new ModelFormatException($"{source}: safetensors header is not valid UTF-8");

        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            ParseHeader(source, header, dataLength, limits.MaxTensors, tensors, metadata);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: safetensors header is not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
        catch (InvalidOperationException e)
        {
            // An escaped lone surrogate (\ud800) is valid JSON but no string: GetString refuses it.
            throw new ModelFormatException($"{source}: safetensors header holds a string that is not valid text ({e.Message.Split('\n')[0]})", e);
        }
        CheckContiguous(source, tensors, dataLength);
        return new SafeTensorsFile(stream, source, dataStart, tensors, metadata);
    }

    /// <summary>
    /// Streams the header with <see cref="Utf8JsonReader"/>: only what is kept is allocated (names,
    /// shapes of at most <see cref="MaxRank"/>, metadata strings), so memory stays proportional to
    /// the header whatever its shape. A JsonDocument costs ~12 bytes per token on top, which a
    /// header of 50 million one-byte dims turns into 600 MB.
    /// </summary>
    static void ParseHeader(string source, byte[] header, long dataLength, int maxTensors, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);   // JSON allows a key twice; a tensor name may not
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new ModelFormatException($"{source}: safetensors header is not a JSON object");
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            Next(ref reader);
            if (name == "__metadata__")
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw new ModelFormatException($"{source}: __metadata__ is not an object");
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    string key = reader.GetString()!;
                    if (Next(ref reader) != JsonTokenType.String)
                        throw new ModelFormatException($"{source}: __metadata__ value '{MessageText.Shown(key)}' is not a string");
                    metadata[key] = reader.GetString()!;
                }
                continue;
            }
            if (tensors.Count == maxTensors)
                throw new ModelFormatException($"{source}: safetensors header lists more than {maxTensors} tensors, over the MaxTensors limit");
            if (!names.Add(name))
                throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' appears twice in the safetensors header");
            tensors.Add(ParseEntry(source, name, ref reader, dataLength));
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            throw new ModelFormatException($"{source}: safetensors header has content after its JSON object");
    }

    static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new ModelFormatException("safetensors header ends inside its JSON object");

    static SafeTensorInfo ParseEntry(string source, string name, ref Utf8JsonReader reader, long dataLength)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' lacks dtype, shape or data_offsets");
        string? dtypeName = null;
        int[]? shape = null;
        long[]? offsets = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            Next(ref reader);
            switch (field)
            {
                case "dtype" when dtypeName == null && reader.TokenType == JsonTokenType.String:
                    dtypeName = reader.GetString()!;
                    break;
                case "shape" when shape == null && reader.TokenType == JsonTokenType.StartArray:
                    shape = ReadShape(source, name, ref reader);
                    break;
                case "data_offsets" when offsets == null && reader.TokenType == JsonTokenType.StartArray:
                    offsets = ReadOffsets(source, name, ref reader);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' has a repeated or mistyped '{field}'");
                default:
                    reader.Skip();   // unknown fields are ignored, as the reference reader does
                    break;
            }
        }
        if (dtypeName == null || shape == null || offsets == null)
            throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' lacks dtype, shape or data_offsets");
        if (!TensorDTypes.TryParse(dtypeName, out var dtype))
            throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' has unsupported dtype '{MessageText.Shown(dtypeName)}'");
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > dataLength) count = dataLength + 1; // saturate: it cannot fit anyway
        }
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin || end > dataLength)
            throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section");
        long expected = count * TensorDTypes.SizeOf(dtype);
        if (end - begin != expected)
            throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' holds {end - begin} bytes but its {TensorDTypes.Name(dtype)} shape [{string.Join(",", shape)}] needs {expected}");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    static int[] ReadShape(string source, string name, ref Utf8JsonReader reader)
    {
        Span<int> dims = stackalloc int[MaxRank];
        int rank = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (rank == MaxRank)
                throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' has rank over {MaxRank}");
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int d) || d < 0)
                throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' has an invalid dimension");
            dims[rank++] = d;
        }
        return dims[..rank].ToArray();
    }

    static long[] ReadOffsets(string source, string name, ref Utf8JsonReader reader)
    {
        Span<long> values = stackalloc long[2];
        int n = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (n == 2) throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' data_offsets must have two entries");
            values[n++] = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long v) ? v : -1;
        }
        if (n != 2) throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(name)}' data_offsets must have two entries");
        return values.ToArray();
    }

    /// <summary>
    /// As the reference implementation requires: the tensors tile the data section exactly, in
    /// offset order, with no gap, overlap or trailing bytes. So no two tensors share bytes, and
    /// reading every tensor allocates no more than the file holds.
    /// </summary>
    static void CheckContiguous(string source, List<SafeTensorInfo> tensors, long dataLength)
    {
        long expected = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin != expected)
                throw new ModelFormatException($"{source}: tensor '{MessageText.Shown(t.Name)}' starts at byte {t.Begin} of the data section, expected {expected} (tensors must not overlap or leave gaps)");
            expected = t.End;
        }
        if (expected != dataLength)
            throw new ModelFormatException($"{source}: the tensors cover {expected} bytes but the data section holds {dataLength}");
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public SafeTensorInfo Get(string name) =>
        _byName.TryGetValue(name, out var t) ? t : throw new ModelFormatException($"{Source}: tensor '{MessageText.Shown(name)}' is missing");

    public bool TryGet(string name, out SafeTensorInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>The tensor's raw little-endian bytes.</summary>
    public byte[] ReadBytes(SafeTensorInfo t)
    {
        var buffer = new byte[t.End - t.Begin];
        lock (_stream)
        {
            try
            {
                _stream.Position = _dataStart + t.Begin;
                _stream.ReadExactly(buffer);
            }
            catch (EndOfStreamException e)
            {
                // Only when the file shrank after Open checked every offset against its length.
                throw new ModelFormatException($"{Source}: tensor '{MessageText.Shown(t.Name)}' ends past the end of the file (was it truncated while open?)", e);
            }
        }
        return buffer;
    }

    /// <summary>The tensor converted to float32 (F32, F16, BF16, F64 and integer types are accepted).</summary>
    public float[] ReadFloat32(SafeTensorInfo t) => DTypeConversion.ToFloat32(ReadBytes(t), t.DType);

    public float[] ReadFloat32(string name) => ReadFloat32(Get(name));

    public void Dispose() => _stream.Dispose();
}
