using System.Buffers.Binary;
using System.Numerics;

namespace MobileNets.Weights.PyTorch;

/// <summary>
/// torch.save's pre-1.6 format, still written with <c>_use_new_zipfile_serialization=False</c>
/// (serialization.py _legacy_save/_legacy_load): five pickles back to back (magic number,
/// protocol version 1001, sys_info, the object with storage persistent ids, the sorted storage
/// keys), then for each key an int64 element count and the storage's raw bytes.
/// </summary>
internal static class LegacyCheckpointFormat
{
    static readonly BigInteger MagicNumber = BigInteger.Parse("01950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    const long ProtocolVersion = 1001;

    public static CheckpointContents Read(Stream stream, string source, ModelFileLimits limits)
    {
        long fileLength = stream.Length;
        // The pickles come first and are bounded by the limit; the storages follow them.
        bool cut = fileLength > limits.MaxPickleBytes;
        var prefix = StoredZipArchive.ReadAt(stream, 0, (int)Math.Min(fileLength, limits.MaxPickleBytes));

        var roots = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);
        var views = new List<(TorchStorage View, TorchStorage Root, long Offset)>();
        var viewsByKey = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);
        bool storagesAllowed = false;

        object PersistentLoad(object? pid)
        {
            // torch reads the header pickles with plain pickle.load: no persistent ids there.
            if (!storagesAllowed) throw new ModelFormatException($"{source}: persistent id outside the state pickle");
            var id = StoragePersistentId.Parse(pid, legacy: true, fileLength, source);
            if (!roots.TryGetValue(id.Key, out var root))
                roots.Add(id.Key, root = new TorchStorage(id.Key, id.DType, id.ElementCount));
            else if (root.DType != id.DType || root.ElementCount != id.ElementCount)
                throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(id.Key)}' is referenced with two different types or sizes");
            if (id.View is not var (viewKey, offset, size)) return root;
            if (viewsByKey.TryGetValue(viewKey, out var known)) return known;
            if (offset + size > root.ElementCount)
                throw new ModelFormatException($"{source}: storage view '{TorchGlobals.Printable(viewKey)}' reaches past storage '{TorchGlobals.Printable(id.Key)}'");
            var view = new TorchStorage(viewKey, id.DType, size);
            views.Add((view, root, offset));
            viewsByKey.Add(viewKey, view);
            return view;
        }

        var unpickler = new RestrictedUnpickler(prefix, source, PersistentLoad, limits,
            cut ? $"runs past the MaxPickleBytes limit of {limits.MaxPickleBytes} bytes before its STOP opcode" : null);
        if (!IsMagic(unpickler.Load()))
            throw new ModelFormatException($"{source}: not a PyTorch checkpoint (no legacy magic number)");
        if (unpickler.Load() is not long protocol || protocol != ProtocolVersion)
            throw new ModelFormatException($"{source}: legacy checkpoint protocol version is not {ProtocolVersion}");
        CheckSysInfo(unpickler.Load(), source);
        storagesAllowed = true;
        var root = unpickler.Load();
        storagesAllowed = false;
        var keys = unpickler.Load();

        PlaceStorages(stream, unpickler.Position, keys, roots, source);
        foreach (var (view, parent, offset) in views)
            view.Place(parent.FileOffset + offset * TensorDTypes.SizeOf(parent.DType), null);
        return new CheckpointContents(root, "legacy");
    }

    static bool IsMagic(object? value) => value switch
    {
        BigInteger b => b == MagicNumber,
        _ => false,
    };

    static void CheckSysInfo(object? sysInfo, string source)
    {
        if (sysInfo is not PickleDict info) throw new ModelFormatException($"{source}: legacy checkpoint sys_info is not a dict");
        foreach (var (k, v) in info.Items)
            if (k is "little_endian" && v is false)
                throw new ModelFormatException($"{source}: big-endian checkpoints are not supported");
    }

    /// <summary>Each listed storage is an int64 element count followed by its bytes (storage._write_file).</summary>
    static void PlaceStorages(Stream stream, long position, object? keys, Dictionary<string, TorchStorage> roots, string source)
    {
        if (keys is not List<object?> list) throw new ModelFormatException($"{source}: legacy checkpoint storage keys are not a list");
        long fileLength = stream.Length;
        Span<byte> countBytes = stackalloc byte[8];
        foreach (var k in list)
        {
            if (k is not string key) throw new ModelFormatException($"{source}: legacy storage key is not a string");
            if (!roots.TryGetValue(key, out var storage))
                throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(key)}' is listed but no tensor uses it");
            if (storage.IsPlaced) throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(key)}' is listed twice");
            if (position > fileLength - 8) throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(key)}' lies past the end of the file (truncated)");
            stream.Position = position;
            stream.ReadExactly(countBytes);
            long count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.ElementCount)
                throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(key)}' records {count} elements but its tensors expect {storage.ElementCount}");
            position += 8;
            if (storage.ByteLength > fileLength - position)
                throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(key)}' of {storage.ByteLength} bytes runs past the end of the file (truncated)");
            storage.Place(position, null);
            position += storage.ByteLength;
        }
        var missing = roots.Values.FirstOrDefault(s => !s.IsPlaced);
        if (missing != null) throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(missing.Key)}' is missing (not in the storage list)");
    }
}
