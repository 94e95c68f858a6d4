
namespace MobileNets.Weights.PyTorch;

/// <summary>
/// A PyTorch checkpoint (<c>.pth</c>/<c>.pt</c> written by torch.save, zip or legacy format) as a
/// weight source. Opening parses the pickle with <see cref="RestrictedUnpickler"/> (nothing in the
/// file is executed) and checks every tensor against its storage and every storage against the
/// file; tensor bytes are read on demand. Storage dtypes F32, F16, BF16, F64 and the integer types
/// are widened to float32; strided views (transposes, slices) are gathered element by element.
/// </summary>
internal sealed class PyTorchCheckpoint : IWeightSource
{
    readonly Stream _stream;
    readonly Dictionary<string, TorchTensor> _tensors;
    readonly List<string> _names;
    readonly HashSet<TorchStorage> _crcVerified = [];
    (TorchStorage? Storage, byte[] Bytes) _lastStorage;

    public string Source { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    /// <summary>"zip" or "legacy".</summary>
    public string Format { get; }

    public IEnumerable<string> Names => _names;

    PyTorchCheckpoint(Stream stream, string source, string format, List<(string Name, TorchTensor Tensor)> tensors)
    {
        _stream = stream;
        Source = source;
        Format = format;
        _names = tensors.Select(t => t.Name).ToList();
        _tensors = tensors.ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
    }

    /// <summary>Opens a checkpoint file; <paramref name="limits"/> default to <see cref="ModelFileLimits.Default"/>.</summary>
    public static PyTorchCheckpoint Open(string path, ModelFileLimits? limits = null)
    {
        FileStream fs;
        try { fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"cannot open '{path}': {e.Message}", e); }
        try { return Open(fs, Path.GetFileName(path), limits); }
        catch { fs.Dispose(); throw; }
    }

    /// <summary>Parses a seekable stream, which the result owns.</summary>
    public static PyTorchCheckpoint Open(Stream stream, string source, ModelFileLimits? limits = null)
    {
        if (!stream.CanSeek) throw new ArgumentException("a PyTorch checkpoint needs a seekable stream", nameof(stream));
        limits ??= ModelFileLimits.Default;
        try
        {
            var contents = Detect(stream, source) switch
            {
                "zip" => ZipCheckpointFormat.Read(stream, source, limits),
                _ => LegacyCheckpointFormat.Read(stream, source, limits),
            };
            var tensors = StateDictExtractor.Extract(contents.Root, source);
            foreach (var (name, tensor) in tensors) Validate(name, tensor, source);
            return new PyTorchCheckpoint(stream, source, contents.Format, tensors);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException($"{source}: ends unexpectedly (truncated file)", e);
        }
    }

    static string Detect(Stream stream, string source)
    {
        Span<byte> magic = stackalloc byte[4];
        stream.Position = 0;
        int n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (n >= 2 && magic[0] == 'P' && magic[1] == 'K') return "zip";
        if (n >= 2 && magic[0] == PickleOpcodes.Proto) return "legacy";
        if (n == 0) throw new ModelFormatException($"{source}: is empty");
        throw new ModelFormatException($"{source}: not a PyTorch checkpoint (neither a torch.save zip nor a legacy pickle)");
    }

    /// <summary>A stride-0 (broadcast) view may have more elements than its storage, but not without bound.</summary>
    const long MaxBroadcastElements = 1 << 24;

    /// <summary>The view must lie inside its storage, which the container already checked against the file.</summary>
    static void Validate(string name, TorchTensor t, string source)
    {
        if (!t.Storage.IsPlaced)
            throw new ModelFormatException($"{source}: tensor '{TorchGlobals.Printable(name)}' uses storage '{TorchGlobals.Printable(t.Storage.Key)}', which has no data");
        long count;
        try { count = t.Shape.Aggregate(1L, (a, d) => checked(a * d)); }
        catch (OverflowException) { count = long.MaxValue; }
        if (count > Math.Max(t.Storage.ElementCount, MaxBroadcastElements))
            throw new ModelFormatException(
                $"{source}: tensor '{TorchGlobals.Printable(name)}' of shape [{string.Join(",", t.Shape)}] has more elements than its {t.Storage.ElementCount}-element storage allows");
        long end;
        try { end = checked(EndIndex(t)); }
        catch (OverflowException) { end = long.MaxValue; }
        if (end > t.Storage.ElementCount)
            throw new ModelFormatException(
                $"{source}: tensor '{TorchGlobals.Printable(name)}' of shape [{string.Join(",", t.Shape)}] at offset {t.Offset} reaches element {end} of a {t.Storage.ElementCount}-element storage");
    }

    static long EndIndex(TorchTensor t)
    {
        foreach (var d in t.Shape) if (d == 0) return t.Offset;
        long last = t.Offset;
        for (int d = 0; d < t.Shape.Length; d++) last = checked(last + (t.Shape[d] - 1L) * t.Stride[d]);
        return checked(last + 1);
    }

    public bool TryGetShape(string name, out int[] shape)
    {
        bool found = _tensors.TryGetValue(name, out var t);
        shape = found ? (int[])t!.Shape.Clone() : [];
        return found;
    }

    /// <summary>The tensor's storage dtype (before widening).</summary>
    public TensorDType DTypeOf(string name) => Get(name).Storage.DType;

    public float[] ReadFloat32(string name)
    {
        var t = Get(name);
        var storage = StorageBytes(t.Storage);
        int size = TensorDTypes.SizeOf(t.Storage.DType);
        long count = t.ElementCount;
        if (t.IsContiguous)
            return DTypeConversion.ToFloat32(storage.AsSpan(checked((int)(t.Offset * size)), checked((int)(count * size))), t.Storage.DType);

        // A strided view: widen the span it covers, then gather in row-major order.
        long end = EndIndex(t);
        var span = DTypeConversion.ToFloat32(storage.AsSpan((int)(t.Offset * size), (int)((end - t.Offset) * size)), t.Storage.DType);
        var result = new float[count];
        var index = new int[t.Shape.Length];
        for (long i = 0; i < count; i++)
        {
            long at = 0;
            for (int d = 0; d < index.Length; d++) at += index[d] * t.Stride[d];
            result[i] = span[at];
            for (int d = index.Length - 1; d >= 0; d--)
            {
                if (++index[d] < t.Shape[d]) break;
                index[d] = 0;
            }
        }
        return result;
    }

    TorchTensor Get(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw new ModelFormatException($"{Source}: tensor '{name}' is missing");

    /// <summary>
    /// A storage's bytes, CRC-checked against its zip entry on first read. The last storage is kept,
    /// because checkpoints whose tensors are views of one flat buffer read it once per tensor.
    /// </summary>
    byte[] StorageBytes(TorchStorage storage)
    {
        if (ReferenceEquals(_lastStorage.Storage, storage)) return _lastStorage.Bytes;
        if (storage.ByteLength > Array.MaxLength)
            throw new ModelFormatException($"{Source}: storage '{storage.Key}' of {storage.ByteLength} bytes is too large to read");
        byte[] bytes;
        lock (_stream) bytes = StoredZipArchive.ReadAt(_stream, storage.FileOffset, (int)storage.ByteLength);
        if (storage.Crc32 is uint crc && _crcVerified.Add(storage) && Crc32.Compute(bytes) != crc)
        {
            _crcVerified.Remove(storage);
            throw new ModelFormatException($"{Source}: storage '{storage.Key}' fails its CRC-32 check (corrupt file)");
        }
        _lastStorage = (storage, bytes);
        return bytes;
    }

    public void Dispose() => _stream.Dispose();
}
