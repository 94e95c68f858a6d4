namespace MobileNets.Weights.PyTorch;

/// <summary>
/// A storage a checkpoint's persistent ids name: its key, element type and element count, and where
/// its bytes lie in the file once the container (zip entry or legacy record) has placed it.
/// </summary>
internal sealed class TorchStorage(string key, TensorDType dtype, long elementCount)
{
    public string Key { get; } = key;
    public TensorDType DType { get; } = dtype;
    public long ElementCount { get; } = elementCount;
    public long ByteLength => ElementCount * TensorDTypes.SizeOf(DType);

    /// <summary>Absolute file offset of the first byte; -1 until placed.</summary>
    public long FileOffset { get; private set; } = -1;

    /// <summary>The zip entry's CRC-32, checked on first read; null for the legacy format.</summary>
    public uint? Crc32 { get; private set; }

    public bool IsPlaced => FileOffset >= 0;

    public void Place(long fileOffset, uint? crc32)
    {
        FileOffset = fileOffset;
        Crc32 = crc32;
    }
}
