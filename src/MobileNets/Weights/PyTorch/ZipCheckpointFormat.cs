using System.Text;

namespace MobileNets.Weights.PyTorch;

/// <summary>
/// torch.save's default format since 1.6 (serialization.py _save/_load): a zip holding
/// <c>NAME/data.pkl</c> (the pickle), <c>NAME/data/KEY</c> (one raw storage per key),
/// <c>NAME/version</c> and, since torch 2.1, <c>NAME/byteorder</c>; NAME is usually "archive".
/// </summary>
internal static class ZipCheckpointFormat
{
    public static CheckpointContents Read(Stream stream, string source, ModelFileLimits limits)
    {
        var entries = StoredZipArchive.ReadEntries(stream, source, limits);
        string prefix = FindPrefix(entries, source);
        if (entries.ContainsKey(prefix + "constants.pkl") || entries.Keys.Any(n => n.StartsWith(prefix + "code/", StringComparison.Ordinal)))
            throw new ModelFormatException($"{source}: is a TorchScript archive (torch.jit.save); save model.state_dict() with torch.save instead");
        if (entries.TryGetValue(prefix + "byteorder", out var byteOrder))
        {
            string order = Encoding.ASCII.GetString(ReadEntry(stream, byteOrder, 16, "limit", source)).Trim();
            if (order != "little") throw new ModelFormatException($"{source}: byteorder '{TorchGlobals.Printable(order)}' is not supported (little-endian only)");
        }

        var pickleEntry = entries[prefix + "data.pkl"];
        var pickle = ReadEntry(stream, pickleEntry, limits.MaxPickleBytes, "MaxPickleBytes limit", source);
        if (Crc32.Compute(pickle) != pickleEntry.Crc32)
            throw new ModelFormatException($"{source}: zip entry '{pickleEntry.Name}' fails its CRC-32 check (corrupt file)");

        var storages = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);
        long fileLength = stream.Length;
        object PersistentLoad(object? pid)
        {
            var id = StoragePersistentId.Parse(pid, legacy: false, fileLength, source);
            if (storages.TryGetValue(id.Key, out var known))
            {
                if (known.DType != id.DType || known.ElementCount != id.ElementCount)
                    throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(id.Key)}' is referenced with two different types or sizes");
                return known;
            }
            string entryName = prefix + "data/" + id.Key;
            if (!entries.TryGetValue(entryName, out var entry))
                throw new ModelFormatException($"{source}: storage '{TorchGlobals.Printable(id.Key)}' is missing (no zip entry '{TorchGlobals.Printable(entryName)}')");
            var storage = new TorchStorage(id.Key, id.DType, id.ElementCount);
            if (entry.Length != storage.ByteLength)
                throw new ModelFormatException(
                    $"{source}: storage '{TorchGlobals.Printable(id.Key)}' of {id.ElementCount} {TensorDTypes.Name(id.DType)} elements needs {storage.ByteLength} bytes but its zip entry holds {entry.Length}");
            storage.Place(entry.DataOffset, entry.Crc32);
            storages.Add(id.Key, storage);
            return storage;
        }

        var root = new RestrictedUnpickler(pickle, source, PersistentLoad, limits).Load();
        return new CheckpointContents(root, "zip");
    }

    /// <summary>The single top-level folder holding data.pkl.</summary>
    static string FindPrefix(Dictionary<string, StoredZipEntry> entries, string source)
    {
        var pickles = entries.Keys.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length).ToList();
        if (pickles.Count == 1) return pickles[0][..^"data.pkl".Length];
        if (pickles.Count > 1) throw new ModelFormatException($"{source}: zip archive holds {pickles.Count} data.pkl files");
        if (entries.Keys.Any(n => n.EndsWith("constants.pkl", StringComparison.Ordinal)))
            throw new ModelFormatException($"{source}: is a TorchScript archive (torch.jit.save); save model.state_dict() with torch.save instead");
        throw new ModelFormatException($"{source}: zip archive has no NAME/data.pkl, so it is not a torch.save checkpoint");
    }

    static byte[] ReadEntry(Stream stream, StoredZipEntry entry, int limit, string limitName, string source)
    {
        if (entry.Length > limit)
            throw new ModelFormatException($"{source}: zip entry '{TorchGlobals.Printable(entry.Name)}' of {entry.Length} bytes exceeds the {limitName} of {limit}");
        return StoredZipArchive.ReadAt(stream, entry.DataOffset, (int)entry.Length);
    }
}
