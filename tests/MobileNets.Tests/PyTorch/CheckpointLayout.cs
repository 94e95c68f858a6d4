using System.Buffers.Binary;
using MobileNets.Tests.Hardening;
using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.PyTorch;

/// <summary>
/// A checkpoint's structure for the shared <see cref="ByteMutator"/>. Zip: every entry's local record
/// and every opcode of <c>data.pkl</c>, whose CRC-32 the repair recomputes (in the local and the central
/// header), so that damage to the pickle reaches the unpickler instead of stopping at the checksum.
/// Legacy: the opcodes of the five leading pickles, then each storage record.
/// </summary>
internal static class CheckpointLayout
{
    public static FuzzLayout Of(byte[] file) => file[0] == 'P' ? Zip(file) : Legacy(file);

    sealed record ZipRecord(string Name, int LocalHeader, int DataStart, int Length, int CentralHeader);

    /// <summary>The central directory of a small (non-ZIP64, no comment) archive.</summary>
    static List<ZipRecord> Records(byte[] b)
    {
        var end = b.AsSpan(b.Length - 22);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]), p = (int)BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        var records = new List<ZipRecord>();
        for (int i = 0; i < count; i++)
        {
            var h = b.AsSpan(p);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            string name = System.Text.Encoding.UTF8.GetString(h.Slice(46, nameLength));
            var l = b.AsSpan(local);
            int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(l[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(l[28..]);
            records.Add(new ZipRecord(name, local, data, length, p));
            p += 46 + nameLength + BinaryPrimitives.ReadUInt16LittleEndian(h[30..]) + BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
        }
        return records;
    }

    static FuzzLayout Zip(byte[] file)
    {
        var records = Records(file);
        var pickle = records.Single(r => r.Name.EndsWith("/data.pkl", StringComparison.Ordinal));
        var chunks = records.Select(r => new FileChunk(r.LocalHeader, r.DataStart + r.Length - r.LocalHeader, $"entry {r.Name}")).ToList();
        chunks.AddRange(PickleOps.Chunks(file, pickle.DataStart, pickle.DataStart + pickle.Length));
        return new FuzzLayout(chunks, Repair: b =>
        {
            // Where the pickle was; a mutation that moved it gets a CRC of whatever lies there now.
            if (pickle.DataStart + pickle.Length > b.Length || pickle.CentralHeader + 20 > b.Length) return;
            uint crc = Crc32.Compute(b.AsSpan(pickle.DataStart, pickle.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(pickle.LocalHeader + 14), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(pickle.CentralHeader + 16), crc);
        });
    }

    static FuzzLayout Legacy(byte[] file)
    {
        var chunks = new List<FileChunk>();
        int p = 0;
        for (int pickle = 0; pickle < 5; pickle++)
        {
            var ops = PickleOps.Chunks(file, p, file.Length).ToList();
            chunks.AddRange(ops);
            p = ops[^1].End;   // after STOP
        }
        int pickles = p;
        // Storage records: an int64 element count, then the bytes; their sizes are the file's business, so cut evenly.
        for (int step = Math.Max(8, (file.Length - p) / 8); p < file.Length; p += step)
            chunks.Add(new FileChunk(p, Math.Min(step, file.Length - p), "storage bytes"));
        return new FuzzLayout(chunks, Enumerable.Range(0, pickles).ToArray());
    }
}
