namespace MobileNets.Weights.PyTorch;

/// <summary>What an admitted global is, and so what REDUCE/NEWOBJ may do with it.</summary>
internal enum TorchGlobalKind
{
    /// <summary>collections.OrderedDict: called with no arguments, it makes an empty dict.</summary>
    OrderedDict,
    /// <summary>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]).</summary>
    RebuildTensorV2,
    /// <summary>torch._utils._rebuild_tensor(storage, offset, size, stride).</summary>
    RebuildTensor,
    /// <summary>torch._utils._rebuild_parameter(data, requires_grad, hooks): the data tensor.</summary>
    RebuildParameter,
    /// <summary>torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state) (torch 2.x).</summary>
    RebuildParameterWithState,
    /// <summary>torch.nn.parameter.Parameter(data[, requires_grad]), via NEWOBJ or REDUCE.</summary>
    Parameter,
    /// <summary>torch.Size(tuple).</summary>
    Size,
    /// <summary>A storage class (torch.FloatStorage, ...): only meaningful inside a persistent id.</summary>
    Storage,
    /// <summary>Allowed by torch but inert here (dtypes, tensor classes); calling it is refused.</summary>
    Inert,
    /// <summary>Allowed by torch but not something a MobileNet state dict holds (sparse, meta tensors).</summary>
    Unsupported,
}

/// <summary>
/// The allow-list of torch 1.13's _weights_only_unpickler._get_allowed_globals(), which is what
/// <c>torch.load(weights_only=True)</c> admits, plus torch 2.x's _rebuild_parameter_with_state.
/// A global outside it is refused by name when the GLOBAL/STACK_GLOBAL opcode is read, before
/// anything could be called; the admitted ones are never executed, only interpreted.
/// </summary>
internal static class TorchGlobals
{
    static readonly Dictionary<string, (TorchGlobalKind Kind, TensorDType? DType)> Allowed = Build();

    static Dictionary<string, (TorchGlobalKind, TensorDType?)> Build()
    {
        var map = new Dictionary<string, (TorchGlobalKind, TensorDType?)>(StringComparer.Ordinal)
        {
            ["collections.OrderedDict"] = (TorchGlobalKind.OrderedDict, null),
            ["torch._utils._rebuild_tensor_v2"] = (TorchGlobalKind.RebuildTensorV2, null),
            ["torch._utils._rebuild_tensor"] = (TorchGlobalKind.RebuildTensor, null),
            ["torch._utils._rebuild_parameter"] = (TorchGlobalKind.RebuildParameter, null),
            ["torch._utils._rebuild_parameter_with_state"] = (TorchGlobalKind.RebuildParameterWithState, null),
            ["torch.nn.parameter.Parameter"] = (TorchGlobalKind.Parameter, null),
            ["torch.Size"] = (TorchGlobalKind.Size, null),
            ["torch.Tensor"] = (TorchGlobalKind.Inert, null),
            ["torch.serialization._get_layout"] = (TorchGlobalKind.Unsupported, null),
            ["torch._utils._rebuild_sparse_tensor"] = (TorchGlobalKind.Unsupported, null),
            ["torch._utils._rebuild_sparse_csr_tensor"] = (TorchGlobalKind.Unsupported, null),
            ["torch._utils._rebuild_meta_tensor_no_storage"] = (TorchGlobalKind.Unsupported, null),
        };
        foreach (var dtype in new[] { "complex32", "complex64", "complex128", "float16", "float32", "float64", "int8", "int16", "int32", "int64" })
            map[$"torch.{dtype}"] = (TorchGlobalKind.Inert, null);

        // torch._storage_classes: the typed CPU and CUDA storages (a CUDA storage's bytes are
        // stored like a CPU one's; the location tag is ignored as with map_location="cpu").
        var storages = new (string Name, TensorDType? DType)[]
        {
            ("FloatStorage", TensorDType.F32), ("HalfStorage", TensorDType.F16), ("BFloat16Storage", TensorDType.BF16),
            ("DoubleStorage", TensorDType.F64), ("LongStorage", TensorDType.I64), ("IntStorage", TensorDType.I32),
            ("ShortStorage", TensorDType.I16), ("CharStorage", TensorDType.I8), ("ByteStorage", TensorDType.U8),
            ("BoolStorage", TensorDType.Bool), ("ComplexFloatStorage", null), ("ComplexDoubleStorage", null),
        };
        foreach (var (name, dtype) in storages)
        {
            map[$"torch.{name}"] = (TorchGlobalKind.Storage, dtype);
            map[$"torch.cuda.{name}"] = (TorchGlobalKind.Storage, dtype);
        }
        foreach (var q in new[] { "QUInt8Storage", "QInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage" })
            map[$"torch.{q}"] = (TorchGlobalKind.Storage, null);
        map["torch.storage.UntypedStorage"] = (TorchGlobalKind.Storage, TensorDType.U8);
        map["torch.storage.TypedStorage"] = (TorchGlobalKind.Inert, null);

        // torch._tensor_classes: inert type objects.
        foreach (var t in new[] { "Float", "Double", "Half", "BFloat16", "Byte", "Char", "Short", "Int", "Long", "Bool" })
        {
            map[$"torch.{t}Tensor"] = (TorchGlobalKind.Inert, null);
            map[$"torch.cuda.{t}Tensor"] = (TorchGlobalKind.Inert, null);
        }
        return map;
    }

    /// <summary>The admitted global, or a refusal naming it.</summary>
    public static PickleGlobal Resolve(string module, string name, string source)
    {
        string full = $"{module}.{name}";
        if (!Allowed.TryGetValue(full, out var entry))
            throw new ModelFormatException(
                $"{source}: refused to load global '{Printable(full)}': not on the torch.load(weights_only=True) allow-list; only state dicts of tensors are read{Hint(module)}");
        return new PickleGlobal(module, name, entry.Kind, entry.DType);
    }

    static string Hint(string module) =>
        module.StartsWith("torch.nn.modules", StringComparison.Ordinal)
            ? " (this file pickles a whole nn.Module; save model.state_dict() instead)"
            : "";

    /// <summary>Names from a hostile file may hold control characters; keep the message one line.</summary>
    internal static string Printable(string s)
    {
        if (s.Length > 200) s = s[..200] + "...";
        return string.Create(s.Length, s, (span, src) =>
        {
            for (int i = 0; i < src.Length; i++) span[i] = char.IsControl(src[i]) ? '?' : src[i];
        });
    }
}
