namespace MobileNets.Tensors;

/// <summary>
/// Floats starting on a 64-byte boundary, on the pinned object heap (never moved by the GC). An
/// ordinary float[] starts 16 bytes past an 8-byte aligned object, so where its data falls within
/// a cache line depends on where the GC placed it: a whole-vector kernel then either runs on
/// aligned data or splits every 512-bit load and store across two lines (V2 ran 11% faster, V1 7%,
/// once weights and the activation arena used this).
/// </summary>
internal sealed class AlignedBuffer
{
    /// <summary>Bytes of alignment: one cache line, one AVX-512 vector.</summary>
    public const int Alignment = 64;

    /// <summary>Floats per <see cref="Alignment"/>: offsets rounded up to this keep spans aligned.</summary>
    public const int AlignmentFloats = Alignment / sizeof(float);

    readonly float[] _array;
    readonly int _offset;

    public unsafe AlignedBuffer(int length, bool zeroed = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int padded = length + AlignmentFloats - 1;
        _array = zeroed ? GC.AllocateArray<float>(padded, pinned: true) : GC.AllocateUninitializedArray<float>(padded, pinned: true);
        fixed (float* p = _array) _offset = (int)((Alignment - ((nint)p & (Alignment - 1))) & (Alignment - 1)) / sizeof(float);
        Length = length;
    }

    public int Length { get; }

    /// <summary>The buffer's floats (aligned, pinned for the buffer's lifetime).</summary>
    public Span<float> Span => _array.AsSpan(_offset, Length);

    /// <summary>Rounds a float count up to whole <see cref="AlignmentFloats"/>.</summary>
    public static int RoundUp(int floats) => (floats + AlignmentFloats - 1) & ~(AlignmentFloats - 1);
}
