namespace MobileNets.Tests.Hardening;

/// <summary>One structural unit of a file that a mutation may move as a whole: a PNG chunk, a JPEG segment, a zip entry, a pickle opcode, a flatbuffer table.</summary>
/// <param name="Start">First byte.</param>
/// <param name="Length">Bytes, including the unit's own header.</param>
/// <param name="Kind">What it is, for the mutation's description (<c>IHDR</c>, <c>SOS</c>, <c>entry archive/data.pkl</c>).</param>
public readonly record struct FileChunk(int Start, int Length, string Kind)
{
    public int End => Start + Length;
    public bool Overlaps(FileChunk other) => Start < other.End && other.Start < End;
}

/// <summary>
/// What <see cref="ByteMutator"/> knows of a file's format: its chunks, the byte positions worth
/// damaging (headers and tables rather than bulk pixel or weight data; null for the whole file), and
/// a repair that restores a checksum the damage broke (PNG chunk CRCs, a zip entry's CRC), so that
/// damage reaches the parser behind the checksum. Each format's fuzzer builds its layout once.
/// </summary>
public sealed record FuzzLayout(IReadOnlyList<FileChunk> Chunks, IReadOnlyList<int>? Structure = null, Action<byte[]>? Repair = null)
{
    /// <summary>A file with no known structure: every byte may be damaged, nothing swapped.</summary>
    public static FuzzLayout Opaque { get; } = new([]);
}
