using System.Buffers.Binary;
using System.Text;

namespace MobileNets.Weights.PyTorch;

/// <summary>One entry of a zip archive whose bytes are stored uncompressed at <see cref="DataOffset"/>.</summary>
internal sealed record StoredZipEntry(string Name, long DataOffset, long Length, uint Crc32);

/// <summary>
/// The central directory of the zip container torch.save writes (PyTorchStreamWriter via miniz:
/// stored entries, 64-byte aligned data, ZIP64 records when large). Our own reader rather than
/// System.IO.Compression so that tensors can be read in place, lazily, at their absolute offsets;
/// every offset and size is checked against the file length before anything is allocated.
/// </summary>
internal static class StoredZipArchive
{
    const uint EndOfCentralDirectorySignature = 0x06054b50;
    const uint Zip64LocatorSignature = 0x07064b50;
    const uint Zip64EndSignature = 0x06064b50;
    const uint CentralHeaderSignature = 0x02014b50;
    const uint LocalHeaderSignature = 0x04034b50;
    const int EndRecordSize = 22, CentralHeaderSize = 46, LocalHeaderSize = 30;

    public static Dictionary<string, StoredZipEntry> ReadEntries(Stream stream, string source, ModelFileLimits limits)
    {
        long fileLength = stream.Length;
        var (count, cdOffset, cdSize) = FindCentralDirectory(stream, fileLength, source);
        if (count > limits.MaxZipEntries)
            throw Fail(source, $"zip archive lists {count} entries, over the MaxZipEntries limit of {limits.MaxZipEntries}");
        if (cdOffset < 0 || cdSize < 0 || cdOffset > fileLength || cdSize > fileLength - cdOffset)
            throw Fail(source, "zip central directory lies outside the file");
        if (cdSize > limits.MaxZipDirectoryBytes)
            throw Fail(source, $"zip central directory of {cdSize} bytes exceeds the MaxZipDirectoryBytes limit of {limits.MaxZipDirectoryBytes}");

        var cd = ReadAt(stream, cdOffset, (int)cdSize);
        var entries = new Dictionary<string, StoredZipEntry>(StringComparer.Ordinal);
        int p = 0;
        for (long i = 0; i < count; i++)
        {
            if (cd.Length - p < CentralHeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(cd.AsSpan(p)) != CentralHeaderSignature)
                throw Fail(source, $"zip central directory entry {i} is malformed");
            var h = cd.AsSpan(p, CentralHeaderSize);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            if (cd.Length - p - CentralHeaderSize < nameLength + extraLength + commentLength)
                throw Fail(source, $"zip central directory entry {i} runs past the directory");
            string name = DecodeName(cd.AsSpan(p + CentralHeaderSize, nameLength), source);
            ApplyZip64Extra(cd.AsSpan(p + CentralHeaderSize + nameLength, extraLength), ref uncompressed, ref compressed, ref localOffset);
            p += CentralHeaderSize + nameLength + extraLength + commentLength;

            if ((flags & 1) != 0) throw Fail(source, $"zip entry '{name}' is encrypted");
            if (method != 0)
                throw Fail(source, $"zip entry '{name}' is compressed (method {method}); torch.save stores entries uncompressed");
            if (compressed != uncompressed) throw Fail(source, $"zip entry '{name}' has different stored and original sizes");
            long dataOffset = LocalDataOffset(stream, localOffset, fileLength, name, source);
            if (uncompressed < 0 || uncompressed > fileLength - dataOffset)
                throw Fail(source, $"zip entry '{name}' of {uncompressed} bytes runs past the end of the file");
            if (!entries.TryAdd(name, new StoredZipEntry(name, dataOffset, uncompressed, crc)))
                throw Fail(source, $"zip archive holds '{name}' twice");
        }
        return entries;
    }

    static (long Count, long Offset, long Size) FindCentralDirectory(Stream stream, long fileLength, string source)
    {
        if (fileLength < EndRecordSize) throw Fail(source, "zip archive is shorter than its end record");
        int tailLength = (int)Math.Min(fileLength, EndRecordSize + ushort.MaxValue);
        var tail = ReadAt(stream, fileLength - tailLength, tailLength);
        int at = -1;
        for (int i = tailLength - EndRecordSize; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndOfCentralDirectorySignature) { at = i; break; }
        if (at < 0) throw Fail(source, "zip end-of-central-directory record not found (truncated archive?)");
        var e = tail.AsSpan(at, EndRecordSize);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
        if (count != ushort.MaxValue && size != uint.MaxValue && offset != uint.MaxValue) return (count, offset, size);

        // ZIP64: the locator sits right before the end record and points at the ZIP64 end record.
        long endRecordPosition = fileLength - tailLength + at;
        if (endRecordPosition < 20) throw Fail(source, "zip64 locator is missing");
        var locator = ReadAt(stream, endRecordPosition - 20, 20);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature) throw Fail(source, "zip64 locator is missing");
        ulong zip64End = BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8));
        if (zip64End > (ulong)(fileLength - 56)) throw Fail(source, "zip64 end record lies outside the file");
        var z = ReadAt(stream, (long)zip64End, 56);
        if (BinaryPrimitives.ReadUInt32LittleEndian(z) != Zip64EndSignature) throw Fail(source, "zip64 end record is malformed");
        ulong count64 = BinaryPrimitives.ReadUInt64LittleEndian(z.AsSpan(32));
        ulong size64 = BinaryPrimitives.ReadUInt64LittleEndian(z.AsSpan(40));
        ulong offset64 = BinaryPrimitives.ReadUInt64LittleEndian(z.AsSpan(48));
        if (count64 > int.MaxValue || size64 > long.MaxValue || offset64 > long.MaxValue)
            throw Fail(source, "zip64 end record holds impossible sizes");
        return ((long)count64, (long)offset64, (long)size64);
    }

    /// <summary>Sizes and offsets saturated at 0xFFFFFFFF live in the ZIP64 extra field (id 1), in this order.</summary>
    static void ApplyZip64Extra(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed, ref long localOffset)
    {
        while (extra.Length >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (length > extra.Length - 4) return;
            var field = extra.Slice(4, length);
            if (id == 1)
            {
                int q = 0;
                if (uncompressed == uint.MaxValue && q + 8 <= field.Length) { uncompressed = Clamp(field[q..]); q += 8; }
                if (compressed == uint.MaxValue && q + 8 <= field.Length) { compressed = Clamp(field[q..]); q += 8; }
                if (localOffset == uint.MaxValue && q + 8 <= field.Length) localOffset = Clamp(field[q..]);
                return;
            }
            extra = extra[(4 + length)..];
        }
    }

    static long Clamp(ReadOnlySpan<byte> bytes)
    {
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return v > long.MaxValue ? -1 : (long)v;
    }

    /// <summary>The data follows the local header, whose name and extra (torch's alignment padding) lengths may differ from the central ones.</summary>
    static long LocalDataOffset(Stream stream, long localOffset, long fileLength, string name, string source)
    {
        if (localOffset < 0 || localOffset > fileLength - LocalHeaderSize)
            throw Fail(source, $"zip entry '{name}' has its local header outside the file");
        var h = ReadAt(stream, localOffset, LocalHeaderSize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != LocalHeaderSignature)
            throw Fail(source, $"zip entry '{name}' has a malformed local header");
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(26));
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(28));
        long dataOffset = localOffset + LocalHeaderSize + nameLength + extraLength;
        if (dataOffset > fileLength) throw Fail(source, $"zip entry '{name}' starts past the end of the file");
        return dataOffset;
    }

    static string DecodeName(ReadOnlySpan<byte> bytes, string source)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { throw Fail(source, "zip entry name is not valid UTF-8"); }
    }

    internal static byte[] ReadAt(Stream stream, long offset, int count)
    {
        var buffer = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }

    static ModelFormatException Fail(string source, string what) => new($"{source}: {TorchGlobals.Printable(what)}");
}
