namespace MobileNets.Weights.PyTorch;

/// <summary>
/// Finds the state dict in an unpickled checkpoint: the root dict itself when every value is a
/// tensor, else the tensor dict under one of the keys training scripts wrap it in
/// (<c>{"state_dict": ..., "epoch": ...}</c>, <c>{"model": ...}</c>). Looks one level deep only,
/// so self-referencing structures cannot make it loop.
/// </summary>
internal static class StateDictExtractor
{
    static readonly string[] WrapperKeys = ["state_dict", "model_state_dict", "model", "module", "net"];

    public static List<(string Name, TorchTensor Tensor)> Extract(object? root, string source)
    {
        if (root is not PickleDict dict)
            throw new ModelFormatException($"{source}: holds a {Describe(root)}, not a state dict");
        if (TryTensors(dict, out var tensors)) return Named(tensors, source);
        foreach (var key in WrapperKeys)
        {
            var inner = dict.Items.LastOrDefault(kv => kv.Key is string s && s == key).Value;
            if (inner is PickleDict innerDict && TryTensors(innerDict, out tensors)) return Named(tensors, source);
        }
        var keys = string.Join(", ", dict.Items.Take(8).Select(kv => kv.Key is string s ? $"'{TorchGlobals.Printable(s)}'" : Describe(kv.Key)));
        throw new ModelFormatException($"{source}: holds a dict that is not a state dict of tensors (keys: {keys}{(dict.Items.Count > 8 ? ", ..." : "")})");
    }

    static bool TryTensors(PickleDict dict, out List<KeyValuePair<object?, object?>> items)
    {
        items = dict.Items;
        return dict.Items.Count > 0 && dict.Items.All(kv => kv.Value is TorchTensor);
    }

    /// <summary>Python dict semantics: a repeated key keeps its position and takes the last value.</summary>
    static List<(string, TorchTensor)> Named(List<KeyValuePair<object?, object?>> items, string source)
    {
        var result = new List<(string Name, TorchTensor Tensor)>(items.Count);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in items)
        {
            if (k is not string name) throw new ModelFormatException($"{source}: state dict has a {Describe(k)} key; tensor names must be strings");
            var tensor = (TorchTensor)v!;
            if (index.TryGetValue(name, out int at)) result[at] = (name, tensor);
            else { index.Add(name, result.Count); result.Add((name, tensor)); }
        }
        return result;
    }

    static string Describe(object? v) => v switch
    {
        null => "None",
        string => "string",
        long => "int",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict => "dict",
        TorchTensor => "single tensor",
        PickleGlobal g => $"global '{g.FullName}'",
        _ => v.GetType().Name,
    };
}
