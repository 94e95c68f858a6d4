using System.Buffers.Binary;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// The one seeded mutator every fuzzer shares: bit flips, overwrites with boundary bytes, truncation,
/// inflated 16/32/64-bit length and count fields (either byte order), runs of random bytes, and
/// chunk-level damage from the file's <see cref="FuzzLayout"/> (two chunks swapped, one duplicated or
/// dropped). Half of the mutated files get the layout's checksum repair. Each mutation is named, so a
/// failing input can be reported and kept.
/// </summary>
public sealed class ByteMutator(byte[] original, FuzzLayout layout)
{
    static readonly byte[] Boundary = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];

    public byte[] Original => original;

    /// <summary>One mutated copy of the original and what was done to it.</summary>
    public (byte[] Bytes, string What) Mutate(Random r)
    {
        var (bytes, what) = r.Next(9) switch
        {
            0 => FlipBits(r),
            1 => Overwrite(r),
            2 => Truncate(r),
            3 => Inflate(r, 4),
            4 => Inflate(r, r.Next(2) == 0 ? 2 : 8),
            5 => RandomRun(r),
            6 or 7 => Swap(r),
            _ => r.Next(2) == 0 ? Duplicate(r) : Drop(r),
        };
        if (layout.Repair != null && r.Next(2) == 0)
        {
            layout.Repair(bytes);
            what += ", checksums repaired";
        }
        return (bytes, what);
    }

    int Position(Random r) => layout.Structure is { Count: > 0 } s ? s[r.Next(s.Count)] : r.Next(original.Length);

    (byte[], string) FlipBits(Random r)
    {
        var b = (byte[])original.Clone();
        int n = r.Next(1, 9);
        for (int k = 0; k < n; k++) b[Position(r)] ^= (byte)(1 << r.Next(8));
        return (b, $"{n} bit flips");
    }

    (byte[], string) Overwrite(Random r)
    {
        var b = (byte[])original.Clone();
        int n = r.Next(1, 4);
        for (int k = 0; k < n; k++) b[Position(r)] = Boundary[r.Next(Boundary.Length)];
        return (b, $"{n} boundary bytes");
    }

    (byte[], string) Truncate(Random r)
    {
        int at = r.Next(original.Length);
        return (original[..at], $"truncated at {at}");
    }

    /// <summary>A field of <paramref name="size"/> bytes made huge, negative or just past its value.</summary>
    (byte[], string) Inflate(Random r, int size)
    {
        var b = (byte[])original.Clone();
        int at = Math.Min(Position(r), b.Length - size);
        if (at < 0) return (b, "unchanged");
        bool bigEndian = r.Next(2) == 0;
        var field = b.AsSpan(at, size);
        ulong current = size switch
        {
            2 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(field) : BinaryPrimitives.ReadUInt16LittleEndian(field),
            4 => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field),
            _ => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(field) : BinaryPrimitives.ReadUInt64LittleEndian(field),
        };
        ulong max = size == 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1;
        ulong value = r.Next(5) switch
        {
            0 => max,                          // -1 / all ones
            1 => max >> 1,                     // the largest signed value
            2 => (max >> 1) + 1,               // the most negative signed value
            3 => (current + (ulong)r.Next(1, 1 << 16)) & max,
            _ => (ulong)r.NextInt64() & max,
        };
        for (int i = 0; i < size; i++)
            field[bigEndian ? size - 1 - i : i] = (byte)(value >> (8 * i));
        return (b, $"{size}-byte {(bigEndian ? "big" : "little")}-endian field at {at} set to {value}");
    }

    (byte[], string) RandomRun(Random r)
    {
        var b = (byte[])original.Clone();
        int at = Position(r), n = Math.Min(8, b.Length - at);
        r.NextBytes(b.AsSpan(at, n));
        return (b, $"{n} random bytes at {at}");
    }

    /// <summary>Two non-overlapping chunks trade places (everything between them shifts if their sizes differ).</summary>
    (byte[], string) Swap(Random r)
    {
        var chunks = layout.Chunks;
        for (int attempt = 0; attempt < 8 && chunks.Count >= 2; attempt++)
        {
            var a = chunks[r.Next(chunks.Count)];
            var b = chunks[r.Next(chunks.Count)];
            if (a.Overlaps(b)) continue;
            if (b.Start < a.Start) (a, b) = (b, a);
            byte[] result = [.. original.AsSpan(0, a.Start), .. original.AsSpan(b.Start, b.Length),
                .. original.AsSpan(a.End, b.Start - a.End), .. original.AsSpan(a.Start, a.Length), .. original.AsSpan(b.End)];
            return (result, $"swapped {a.Kind} at {a.Start} with {b.Kind} at {b.Start}");
        }
        return FlipBits(r);
    }

    (byte[], string) Duplicate(Random r)
    {
        if (layout.Chunks.Count == 0) return FlipBits(r);
        var c = layout.Chunks[r.Next(layout.Chunks.Count)];
        byte[] result = [.. original.AsSpan(0, c.End), .. original.AsSpan(c.Start, c.Length), .. original.AsSpan(c.End)];
        return (result, $"duplicated {c.Kind} at {c.Start}");
    }

    (byte[], string) Drop(Random r)
    {
        if (layout.Chunks.Count == 0) return FlipBits(r);
        var c = layout.Chunks[r.Next(layout.Chunks.Count)];
        byte[] result = [.. original.AsSpan(0, c.Start), .. original.AsSpan(c.End)];
        return (result, $"dropped {c.Kind} at {c.Start}");
    }
}
