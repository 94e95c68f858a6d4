using System.Text;

namespace MobileNets.Weights.PyTorch;

/// <summary>
/// A persistent id as torch.save's persistent_id writes it (serialization.py):
/// zip format <c>('storage', storage_type, key, location, numel)</c>, legacy format
/// <c>('storage', storage_type, root_key, location, numel, view_metadata)</c> with view_metadata
/// None or <c>(view_key, offset, view_size)</c>. Only 'storage' ids are admitted, as in torch's
/// weights-only unpickler; numel counts elements of the storage type.
/// </summary>
internal sealed record StoragePersistentId(TensorDType DType, string Key, long ElementCount, (string Key, long Offset, long Size)? View)
{
    public static StoragePersistentId Parse(object? pid, bool legacy, long fileLength, string source)
    {
        if (pid is not object?[] t || t.Length == 0)
            throw Fail(source, "persistent id is not a tuple");
        string typename = Text(t[0], "persistent id type", source);
        if (typename != "storage")
            throw Fail(source, $"persistent id of type '{TorchGlobals.Printable(typename)}' is refused; only storages are loaded");
        int expected = legacy ? 6 : 5;
        if (t.Length != expected) throw Fail(source, $"storage persistent id has {t.Length} fields, expected {expected}");
        if (t[1] is not PickleGlobal { Kind: TorchGlobalKind.Storage } storageType)
            throw Fail(source, "storage persistent id does not name a storage class");
        if (storageType.StorageDType is not TensorDType dtype)
            throw Fail(source, $"storage type '{storageType.FullName}' (complex or quantized) is not supported");
        string key = Text(t[2], "storage key", source);
        Text(t[3], "storage location", source);
        long numel = Count(t[4], "storage size", fileLength / TensorDTypes.SizeOf(dtype), source);

        (string, long, long)? view = null;
        if (legacy && t[5] is not null)
        {
            if (t[5] is not object?[] { Length: 3 } v) throw Fail(source, "storage view metadata is not a 3-tuple");
            view = (Text(v[0], "view key", source), Count(v[1], "view offset", numel, source), Count(v[2], "view size", numel, source));
        }
        return new StoragePersistentId(dtype, key, numel, view);
    }

    /// <summary>A count in [0, max]: larger cannot fit the file, and checking here keeps byte sizes from overflowing.</summary>
    static long Count(object? value, string what, long max, string source)
    {
        long v = TorchCallables.Integer(value, what, source);
        if (v < 0 || v > max) throw Fail(source, $"{what} {v} is impossible for a file of this size");
        return v;
    }

    /// <summary>Python 2 pickles may carry these as bytes; torch decodes them as ASCII (_maybe_decode_ascii).</summary>
    static string Text(object? value, string what, string source) => value switch
    {
        string s => s,
        byte[] b => Encoding.Latin1.GetString(b),
        _ => throw Fail(source, $"{what} is not a string"),
    };

    static ModelFormatException Fail(string source, string what) => new($"{source}: {what}");
}
