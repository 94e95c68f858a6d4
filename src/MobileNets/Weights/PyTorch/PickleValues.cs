namespace MobileNets.Weights.PyTorch;

// What the restricted unpickler builds. Python None is C# null, int is long (BigInteger past 64 bits),
// float is double, str is string, bytes is byte[], bool is bool, tuple is object?[] and list is
// List<object?>. Dicts and sets keep insertion order and are never hashed, so a hostile key
// (a self-containing list, say) costs nothing.

/// <summary>A <c>dict</c> or <c>collections.OrderedDict</c>: its items in insertion order.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Items { get; } = [];
}

/// <summary>A <c>set</c> (EMPTY_SET, ADDITEMS): kept only so that such pickles load.</summary>
internal sealed class PickleSet
{
    public List<object?> Items { get; } = [];
}

/// <summary>A global the allow-list admitted (GLOBAL or STACK_GLOBAL), as a value on the stack.</summary>
internal sealed record PickleGlobal(string Module, string Name, TorchGlobalKind Kind, TensorDType? StorageDType)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>
/// A tensor as torch._utils._rebuild_tensor_v2 describes it: a view (offset, size, stride, in
/// elements) on a storage. Nothing is read until the tensor is asked for.
/// </summary>
internal sealed record TorchTensor(TorchStorage Storage, long Offset, int[] Shape, long[] Stride)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>Whether the elements lie back to back in row-major order (dims of size 1 may have any stride).</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Stride[d] != expected) return false;
                expected *= Shape[d];
            }
            return true;
        }
    }
}
