using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// Seeded mutations of a valid safetensors file: the shared <see cref="ByteMutator"/>'s damage aimed
/// at the header (bit flips, overwrites, inflated fields; tensor data ranges swapped, duplicated or
/// dropped), truncation in every region, a forged header length, and header-level damage written as
/// JSON text (offsets, dims, dtypes, swapped or duplicated entries, huge rank, deep nesting, bad
/// UTF-8, metadata). Each mutation is named so a failing input can be reported and kept.
/// </summary>
public sealed class SafeTensorsMutator
{
    sealed record Entry(string Key, string Dtype, long[] Shape, long Begin, long End);

    readonly byte[] _original;
    readonly int _headerLength;
    readonly byte[] _data;
    readonly List<Entry> _entries = [];
    readonly string _metadataJson;
    readonly ByteMutator _bytes;

    public SafeTensorsMutator(byte[] original)
    {
        _original = original;
        _headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(original));
        _data = original[(8 + _headerLength)..];
        using var doc = JsonDocument.Parse(original.AsMemory(8, _headerLength));
        _metadataJson = "{}";
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") { _metadataJson = p.Value.GetRawText(); continue; }
            var off = p.Value.GetProperty("data_offsets");
            _entries.Add(new Entry(p.Name, p.Value.GetProperty("dtype").GetString()!,
                p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                off[0].GetInt64(), off[1].GetInt64()));
        }
        int dataStart = 8 + _headerLength;
        _bytes = new ByteMutator(original, new FuzzLayout(
            _entries.Where(e => e.End > e.Begin).Select(e => new FileChunk(dataStart + (int)e.Begin, (int)(e.End - e.Begin), $"data of '{e.Key}'")).ToList(),
            Structure: Enumerable.Range(0, dataStart).ToArray()));
    }

    /// <summary>One mutated file and what was done to it.</summary>
    public (byte[] Bytes, string What) Mutate(Random r) => r.Next(16) switch
    {
        0 or 1 => _bytes.Mutate(r),
        2 => Truncate(r),
        3 => HeaderLength(r),
        4 => Header(r, Offsets(r), "data_offsets"),
        5 => Header(r, Dims(r), "shape dims"),
        6 => Header(r, Swap(r), "swapped entries"),
        7 => Header(r, HugeRank(r), "huge rank"),
        8 => (Nested(r), "deep nesting"),
        9 => (NonUtf8(r), "non-UTF-8"),
        10 => Header(r, Dtype(r), "dtype"),
        11 => Header(r, Duplicate(r), "duplicate key"),
        12 => (WithHeader(Json(_entries, Metadata(r)), fixLength: true), "metadata"),
        13 => Header(r, Alias(r), "aliased data"),
        14 => (WithHeader(Json(_entries, _metadataJson).Replace("\"blocks.", "\"\\ud800blocks.", StringComparison.Ordinal), fixLength: true), "lone surrogate"),
        _ => (NonFinite(r), "non-finite weight"),
    };

    (byte[], string) Truncate(Random r)
    {
        // Every region: inside the length prefix, inside the header, at its end, inside the data.
        int end = 8 + _headerLength;
        (int at, string region) = r.Next(4) switch
        {
            0 => (r.Next(8), "length prefix"),
            1 => (8 + r.Next(_headerLength), "header"),
            2 => (end, "header end"),
            _ => (end + r.Next(_data.Length), "data"),
        };
        return (_original[..at], $"truncated in the {region} at {at}");
    }

    (byte[], string) HeaderLength(Random r)
    {
        var b = (byte[])_original.Clone();
        ulong[] values = [(ulong)b.Length - 8 + 1, (ulong)b.Length, 100_000_001, uint.MaxValue, long.MaxValue, ulong.MaxValue,
            1UL << 63, (ulong)_headerLength - 1, (ulong)_headerLength + 8, 0, 1, (ulong)r.NextInt64()];
        ulong v = values[r.Next(values.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return (b, $"header length {v}");
    }

    static readonly long[] Extremes = [-1, -8, long.MinValue, long.MaxValue, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 40, 1L << 53, 0];

    List<Entry> Offsets(Random r)
    {
        var list = new List<Entry>(_entries);
        int i = r.Next(list.Count);
        var e = list[i];
        long v = r.Next(3) == 0 ? e.Begin + r.Next(-16, 17) : Extremes[r.Next(Extremes.Length)];
        list[i] = r.Next(2) == 0 ? e with { Begin = v } : e with { End = v };
        return list;
    }

    List<Entry> Dims(Random r)
    {
        var list = new List<Entry>(_entries);
        int i = r.Next(list.Count);
        var e = list[i];
        if (e.Shape.Length == 0) return list;
        var shape = (long[])e.Shape.Clone();
        shape[r.Next(shape.Length)] = r.Next(3) == 0 ? shape[0] * 2 : Extremes[r.Next(Extremes.Length)];
        // Sometimes keep the byte count consistent with a forged product (e.g. dims 65536 x 65536 x 0).
        if (r.Next(3) == 0) shape = [.. shape, 0];
        list[i] = e with { Shape = shape };
        return list;
    }

    List<Entry> Swap(Random r)
    {
        // Exchange the values of two entries (names keep their place, shapes/offsets trade).
        var list = new List<Entry>(_entries);
        int a = r.Next(list.Count), b = r.Next(list.Count);
        list[a] = list[b] with { Key = list[a].Key };
        list[b] = _entries[a] with { Key = _entries[b].Key };
        return list;
    }

    List<Entry> HugeRank(Random r)
    {
        var list = new List<Entry>(_entries);
        int i = r.Next(list.Count);
        int rank = r.Next(3) switch { 0 => 9, 1 => r.Next(9, 1000), _ => 200_000 };
        // Ones keep the element count right, so only the rank check can refuse it.
        list[i] = list[i] with { Shape = [.. list[i].Shape, .. Enumerable.Repeat(1L, rank - list[i].Shape.Length)] };
        return list;
    }

    List<Entry> Dtype(Random r)
    {
        string[] dtypes = ["F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "C64", "", "f16"];
        var list = new List<Entry>(_entries);
        int i = r.Next(list.Count);
        list[i] = list[i] with { Dtype = dtypes[r.Next(dtypes.Length)] };
        return list;
    }

    List<Entry> Duplicate(Random r)
    {
        // JSON allows a key twice; the second entry claims a name that already exists.
        var list = new List<Entry>(_entries);
        int a = r.Next(list.Count), b = r.Next(list.Count);
        list[b] = list[b] with { Key = list[a].Key };
        if (r.Next(2) == 0) list.Add(list[a]);
        return list;
    }

    List<Entry> Alias(Random r)
    {
        // Entries that share bytes: one other tensor, or every tensor of the same shape as the largest.
        var list = new List<Entry>(_entries);
        var largest = list.MaxBy(e => e.End - e.Begin)!;
        if (r.Next(2) == 0) { int i = r.Next(list.Count); list[i] = largest with { Key = list[i].Key }; }
        else for (int i = 0; i < list.Count; i++) list[i] = largest with { Key = list[i].Key };
        return list;
    }

    string Metadata(Random r)
    {
        string[] architectures = ["mobilenetv1_125", "mobilenet_v2", "no_such_net", "", "\u0000", new string('x', 10_000)];
        string[] widths = ["0.075", "0.08", "NaN", "Infinity", "-1", "0", "1e308", "9", "", "0x10", "0.0750000001"];
        string arch = architectures[r.Next(architectures.Length)], width = widths[r.Next(widths.Length)];
        return r.Next(4) switch
        {
            0 => JsonSerializer.Serialize(new Dictionary<string, string> { ["architecture"] = arch, ["width"] = width }),
            1 => JsonSerializer.Serialize(new Dictionary<string, string> { ["architecture"] = arch }),
            2 => "{\"architecture\":" + r.Next() + "}",
            _ => r.Next(2) == 0 ? "[]" : "\"text\"",
        };
    }

    byte[] Nested(Random r)
    {
        int depth = r.Next(2) == 0 ? r.Next(10, 70) : 100_000;
        string deep = new string('[', depth) + new string(']', depth);
        string json = r.Next(2) == 0 ? Json(_entries, "{\"x\":" + deep + "}") : "{\"a\":" + deep + "}";
        return WithHeader(json, fixLength: true);
    }

    byte[] NonUtf8(Random r)
    {
        var b = (byte[])_original.Clone();
        // Inside a quoted name: an overlong '/', a lone continuation byte, 0xFF, a truncated 3-byte sequence.
        byte[][] bad = [[0xC0, 0xAF], [0x80], [0xFF], [0xE2, 0x82], [0xED, 0xA0, 0x80]];
        int quote = Array.IndexOf(b, (byte)'"', 8 + r.Next(_headerLength - 4));
        if (quote < 0 || quote + 4 >= 8 + _headerLength) quote = 9;
        var seq = bad[r.Next(bad.Length)];
        seq.CopyTo(b, quote + 1);
        return b;
    }

    byte[] NonFinite(Random r)
    {
        // A NaN or infinity inside one F32 or F16 tensor: the reader passes it, the binder must refuse it.
        var b = (byte[])_original.Clone();
        var floats = _entries.Where(x => x.Dtype is "F32" or "F16" && x.End > x.Begin).ToList();
        var e = floats[r.Next(floats.Count)];
        int size = e.Dtype == "F32" ? 4 : 2;
        int at = checked((int)(8 + _headerLength + e.Begin + size * r.NextInt64((e.End - e.Begin) / size)));
        if (size == 4)
        {
            float[] values = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7F800001)];
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(at), values[r.Next(values.Length)]);
        }
        else
        {
            ushort[] values = [0x7E00, 0x7C00, 0xFC00, 0x7C01];
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), values[r.Next(values.Length)]);
        }
        return b;
    }

    (byte[], string) Header(Random r, List<Entry> entries, string what) =>
        (WithHeader(Json(entries, _metadataJson), fixLength: r.Next(8) != 0), what);

    static string Json(List<Entry> entries, string metadata)
    {
        var sb = new StringBuilder("{\"__metadata__\":").Append(metadata);
        foreach (var e in entries)
            sb.Append(',').Append(JsonSerializer.Serialize(e.Key)).Append(":{\"dtype\":").Append(JsonSerializer.Serialize(e.Dtype))
              .Append(",\"shape\":[").AppendJoin(',', e.Shape).Append("],\"data_offsets\":[").Append(e.Begin).Append(',').Append(e.End).Append("]}");
        return sb.Append('}').ToString();
    }

    /// <summary>The original data under a new header; its length field fixed up, or left stale.</summary>
    byte[] WithHeader(string json, bool fixLength)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var b = new byte[8 + header.Length + _data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(b, fixLength ? (ulong)header.Length : (ulong)_headerLength);
        header.CopyTo(b, 8);
        _data.CopyTo(b, 8 + header.Length);
        return b;
    }
}
