using System.Numerics;

namespace MobileNets.Weights.PyTorch;

/// <summary>
/// What REDUCE and NEWOBJ mean for the admitted globals. Each is interpreted from its signature in
/// torch/_utils.py; nothing is called. Arguments are checked for type and range, so a hostile
/// tuple yields a one-line refusal instead of a cast exception.
/// </summary>
internal static class TorchCallables
{
    public static object Reduce(object? callable, object?[] args, string source)
    {
        if (callable is not PickleGlobal g)
            throw Refuse(source, $"REDUCE calls a {Kind(callable)}, not an admitted global");
        switch (g.Kind)
        {
            case TorchGlobalKind.OrderedDict:
                // OrderedDict.__reduce__ pickles as OrderedDict() followed by SETITEMS.
                if (args.Length != 0) throw Refuse(source, "collections.OrderedDict is called with arguments");
                return new PickleDict();
            case TorchGlobalKind.RebuildTensorV2:
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.Length is not (6 or 7)) throw Refuse(source, $"{g.FullName} takes 6 or 7 arguments, got {args.Length}");
                return Tensor(args, g, source);
            case TorchGlobalKind.RebuildTensor:
                if (args.Length != 4) throw Refuse(source, $"{g.FullName} takes 4 arguments, got {args.Length}");
                return Tensor(args, g, source);
            case TorchGlobalKind.RebuildParameter:
            case TorchGlobalKind.RebuildParameterWithState:
            case TorchGlobalKind.Parameter:
                // _rebuild_parameter(data, requires_grad, backward_hooks[, state]) and Parameter(data[, requires_grad]):
                // for inference a parameter is its data tensor.
                if (args.Length < 1 || args[0] is not TorchTensor data)
                    throw Refuse(source, $"{g.FullName} is not given a tensor");
                return data;
            case TorchGlobalKind.Size:
                if (args.Length != 1 || args[0] is not object?[] dims) throw Refuse(source, "torch.Size is not given a tuple");
                return dims;
            case TorchGlobalKind.Unsupported:
                throw Refuse(source, $"'{g.FullName}' is admitted by torch.load(weights_only=True) but not supported here (sparse or meta tensors)");
            default:
                throw Refuse(source, $"REDUCE calls '{g.FullName}', which is not callable in a state dict");
        }
    }

    /// <summary>NEWOBJ (cls.__new__(cls, *args)): torch admits it for torch.nn.Parameter only.</summary>
    public static object NewObj(object? cls, object?[] args, string source)
    {
        if (cls is PickleGlobal { Kind: TorchGlobalKind.Parameter } g) return Reduce(g, args, source);
        throw Refuse(source, $"NEWOBJ instantiates {Kind(cls)}; only torch.nn.Parameter may be");
    }

    static TorchTensor Tensor(object?[] args, PickleGlobal g, string source)
    {
        if (args[0] is not TorchStorage storage) throw Refuse(source, $"{g.FullName} is not given a storage");
        long offset = Integer(args[1], "storage offset", source);
        var size = Integers(args[2], "size", source);
        var stride = Integers(args[3], "stride", source);
        if (size.Length != stride.Length) throw Refuse(source, $"tensor has {size.Length} sizes but {stride.Length} strides");
        if (size.Length > PickleLimits.MaxRank) throw Refuse(source, $"tensor has rank {size.Length} (limit {PickleLimits.MaxRank})");
        if (offset < 0) throw Refuse(source, $"tensor has a negative storage offset {offset}");
        var shape = new int[size.Length];
        for (int d = 0; d < size.Length; d++)
        {
            if (size[d] < 0 || size[d] > int.MaxValue) throw Refuse(source, $"tensor has dimension {size[d]}");
            if (stride[d] < 0) throw Refuse(source, $"tensor has a negative stride {stride[d]}");
            shape[d] = (int)size[d];
        }
        return new TorchTensor(storage, offset, shape, stride);
    }

    static long[] Integers(object? value, string what, string source)
    {
        if (value is not object?[] tuple) throw Refuse(source, $"tensor {what} is not a tuple");
        var result = new long[tuple.Length];
        for (int i = 0; i < tuple.Length; i++) result[i] = Integer(tuple[i], what, source);
        return result;
    }

    internal static long Integer(object? value, string what, string source) => value switch
    {
        long v => v,
        BigInteger => throw Refuse(source, $"{what} does not fit 64 bits"),
        _ => throw Refuse(source, $"{what} is a {Kind(value)}, not an integer"),
    };

    static string Kind(object? v) => v switch
    {
        null => "None",
        PickleGlobal g => $"'{g.FullName}'",
        string => "string",
        _ => v.GetType().Name,
    };

    static ModelFormatException Refuse(string source, string what) => new($"{source}: {what}");
}
