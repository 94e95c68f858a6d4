using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace MobileNets.Weights.PyTorch;

/// <summary>
/// A pickle virtual machine that builds values and never executes anything from the file: the
/// opcodes are those of torch 1.13's _weights_only_unpickler.py (plus the protocol-4 framing ones),
/// globals must be on <see cref="TorchGlobals"/>' allow-list, and REDUCE/NEWOBJ only interpret the
/// few admitted callables (OrderedDict, _rebuild_tensor_v2, _rebuild_parameter, Parameter, Size).
/// Persistent ids (BINPERSID) are handed to the container format, which turns them into storages.
/// </summary>
internal sealed class RestrictedUnpickler
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly ReadOnlyMemory<byte> _data;
    readonly string _source;
    readonly Func<object?, object> _persistentLoad;
    readonly ModelFileLimits _limits;
    readonly string? _cutReason;
    readonly Dictionary<long, object?> _memo = [];
    readonly Stack<List<object?>> _marks = new();
    List<object?> _stack = [];
    int _pos;
    int _opStart;
    long _values;
    int _tensors, _storages;

    /// <param name="data">The pickle bytes (at most <see cref="ModelFileLimits.MaxPickleBytes"/>, which the container enforces).</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <param name="persistentLoad">Maps a persistent id to the object it stands for (a storage); throws ModelFormatException to refuse.</param>
    /// <param name="limits">Values, memo entries, open MARKs and tensors; <see cref="ModelFileLimits.Default"/> when null.</param>
    /// <param name="cutReason">Why <paramref name="data"/> may end early (the container cut it at a limit): said instead of "truncated".</param>
    public RestrictedUnpickler(ReadOnlyMemory<byte> data, string source, Func<object?, object> persistentLoad, ModelFileLimits? limits = null, string? cutReason = null)
    {
        _data = data;
        _source = source;
        _persistentLoad = persistentLoad;
        _limits = limits ?? ModelFileLimits.Default;
        _cutReason = cutReason;
    }

    /// <summary>Where the next pickle starts (after <see cref="Load"/> returned, the byte after STOP).</summary>
    public int Position { get => _pos; set => _pos = value; }

    /// <summary>Runs one pickle from <see cref="Position"/> to its STOP and returns its value.</summary>
    public object? Load()
    {
        _stack = [];
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            _opStart = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case PickleOpcodes.Proto:
                    if (ReadByte() > 5) Fail("uses a pickle protocol newer than 5");
                    break;
                case PickleOpcodes.Frame:
                    // Framing (protocol 4) only groups opcodes for buffered reads; the whole pickle is in memory.
                    if (ReadUInt64() > (ulong)(_data.Length - _pos)) Fail("has a FRAME longer than the rest of the pickle");
                    break;
                case PickleOpcodes.Stop:
                    return Pop();

                case PickleOpcodes.Mark:
                    if (_marks.Count >= _limits.MaxPickleMarkDepth) Fail($"nests MARKs deeper than the MaxPickleMarkDepth limit of {_limits.MaxPickleMarkDepth}");
                    _marks.Push(_stack);
                    _stack = [];
                    break;

                case PickleOpcodes.EmptyDict: Push(new PickleDict()); break;
                case PickleOpcodes.EmptyList: Push(new List<object?>()); break;
                case PickleOpcodes.EmptyTuple: Push(Array.Empty<object?>()); break;
                case PickleOpcodes.EmptySet: Push(new PickleSet()); break;
                case PickleOpcodes.None: Push(null); break;
                case PickleOpcodes.NewTrue: Push(true); break;
                case PickleOpcodes.NewFalse: Push(false); break;

                case PickleOpcodes.BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4))); break;
                case PickleOpcodes.BinInt1: Push((long)ReadByte()); break;
                case PickleOpcodes.BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2))); break;
                case PickleOpcodes.Long1: Push(ReadLong1()); break;
                case PickleOpcodes.BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8))); break;

                case PickleOpcodes.BinUnicode: Push(Utf8(Read(Length(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))))); break;
                case PickleOpcodes.ShortBinUnicode: Push(Utf8(Read(ReadByte()))); break;
                case PickleOpcodes.BinUnicode8: Push(Utf8(Read(Length(ReadUInt64())))); break;
                // Python 2 str: torch reads them as text (encoding="ASCII"/latin-1 for internal keys).
                case PickleOpcodes.ShortBinString: Push(Encoding.Latin1.GetString(Read(ReadByte()))); break;
                case PickleOpcodes.BinString: Push(Encoding.Latin1.GetString(Read(Length(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))))); break;
                case PickleOpcodes.ShortBinBytes: Push(Read(ReadByte()).ToArray()); break;
                case PickleOpcodes.BinBytes: Push(Read(Length(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))).ToArray()); break;

                case PickleOpcodes.Tuple: Push(PopMark().ToArray()); break;
                case PickleOpcodes.Tuple1: { var a = Pop(); Push(new[] { a }); break; }
                case PickleOpcodes.Tuple2: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case PickleOpcodes.Tuple3: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }

                case PickleOpcodes.Append: { var item = Pop(); TopAs<List<object?>>("APPEND to").Add(item); break; }
                case PickleOpcodes.Appends: { var items = PopMark(); TopAs<List<object?>>("APPENDS to").AddRange(items); break; }
                case PickleOpcodes.AddItems: { var items = PopMark(); TopAs<PickleSet>("ADDITEMS to").Items.AddRange(items); break; }
                case PickleOpcodes.SetItem: { var v = Pop(); var k = Pop(); TopAs<PickleDict>("SETITEM on").Items.Add(new(k, v)); break; }
                case PickleOpcodes.SetItems:
                {
                    var items = PopMark();
                    if (items.Count % 2 != 0) Fail("has SETITEMS with an odd number of values");
                    var dict = TopAs<PickleDict>("SETITEMS on");
                    for (int i = 0; i < items.Count; i += 2) dict.Items.Add(new(items[i], items[i + 1]));
                    break;
                }

                case PickleOpcodes.BinPut: Memo(ReadByte()); break;
                case PickleOpcodes.LongBinPut: Memo(BinaryPrimitives.ReadUInt32LittleEndian(Read(4))); break;
                case PickleOpcodes.Memoize: Memo(_memo.Count); break;
                case PickleOpcodes.BinGet: Push(Recall(ReadByte())); break;
                case PickleOpcodes.LongBinGet: Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break;

                case PickleOpcodes.Global:
                {
                    string module = ReadLine(), name = ReadLine();
                    Push(TorchGlobals.Resolve(module, name, _source));
                    break;
                }
                case PickleOpcodes.StackGlobal:
                {
                    var name = Pop(); var module = Pop();
                    if (module is not string m || name is not string n) { Fail("has STACK_GLOBAL without two strings"); return null; }
                    Push(TorchGlobals.Resolve(m, n, _source));
                    break;
                }
                case PickleOpcodes.Reduce:
                {
                    var args = Pop();
                    var callable = Pop();
                    CountTensor(callable);
                    Push(TorchCallables.Reduce(callable, AsTuple(args, "REDUCE arguments"), _source));
                    break;
                }
                case PickleOpcodes.NewObj:
                {
                    var args = Pop();
                    var cls = Pop();
                    Push(TorchCallables.NewObj(cls, AsTuple(args, "NEWOBJ arguments"), _source));
                    break;
                }
                case PickleOpcodes.Build:
                {
                    // torch admits BUILD on Tensor, Parameter and OrderedDict; the state (a state dict's
                    // _metadata, a parameter's attributes) carries nothing the weights need.
                    Pop();
                    var target = Peek();
                    if (target is not (PickleDict or TorchTensor)) Fail($"uses BUILD on a {Describe(target)}; only dicts and tensors may be built");
                    break;
                }
                case PickleOpcodes.BinPersId:
                    // Every tensor names its storage once, so a valid file loads no more storages than it has tensors.
                    if (++_storages > _limits.MaxTensors) Fail($"loads more than {_limits.MaxTensors} storages, over the MaxTensors limit");
                    Push(_persistentLoad(Pop()));
                    break;

                default:
                    Fail($"uses pickle opcode 0x{op:x2} ({PickleOpcodes.Name(op)}), which a state dict never needs");
                    break;
            }
        }
    }

    /// <summary>Counts a tensor rebuild against <see cref="ModelFileLimits.MaxTensors"/> before the tensor is built.</summary>
    void CountTensor(object? callable)
    {
        if (callable is PickleGlobal { Kind: TorchGlobalKind.RebuildTensorV2 or TorchGlobalKind.RebuildTensor }
            && ++_tensors > _limits.MaxTensors)
            Fail($"rebuilds more than {_limits.MaxTensors} tensors, over the MaxTensors limit");
    }

    void Push(object? value)
    {
        if (++_values > _limits.MaxPickleValues) Fail($"builds more than {_limits.MaxPickleValues} values, over the MaxPickleValues limit");
        _stack.Add(value);
    }

    object? Pop()
    {
        if (_stack.Count == 0) Fail($"pops from an empty stack ({(_marks.Count > 0 ? "inside a MARK" : "malformed pickle")})");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    object? Peek()
    {
        if (_stack.Count == 0) Fail("reads an empty stack");
        return _stack[^1];
    }

    List<object?> PopMark()
    {
        if (_marks.Count == 0) Fail("closes a MARK that was never opened");
        var items = _stack;
        _stack = _marks.Pop();
        return items;
    }

    T TopAs<T>(string what) where T : class
    {
        var top = Peek();
        if (top is not T t) { Fail($"tries to {what} a {Describe(top)}"); return null!; }
        return t;
    }

    void Memo(long index)
    {
        if (_memo.Count >= _limits.MaxPickleMemoEntries && !_memo.ContainsKey(index))
            Fail($"memoizes more than {_limits.MaxPickleMemoEntries} values, over the MaxPickleMemoEntries limit");
        _memo[index] = Peek();
    }

    object? Recall(long index)
    {
        if (!_memo.TryGetValue(index, out var v)) Fail($"recalls memo entry {index}, which was never stored");
        return v;
    }

    object?[] AsTuple(object? value, string what)
    {
        if (value is not object?[] tuple) { Fail($"has {what} that are a {Describe(value)}, not a tuple"); return null!; }
        return tuple;
    }

    object ReadLong1()
    {
        int n = ReadByte();
        if (n > PickleLimits.MaxLongBytes) Fail($"has a LONG1 of {n} bytes (limit {PickleLimits.MaxLongBytes})");
        var bytes = Read(n);
        if (n <= 8)
        {
            long v = 0;
            for (int i = n - 1; i >= 0; i--) v = (v << 8) | bytes[i];
            if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) v -= 1L << (8 * n); // two's complement sign
            return v;
        }
        return new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
    }

    byte ReadByte()
    {
        if (_pos >= _data.Length) Truncated();
        return _data.Span[_pos++];
    }

    ReadOnlySpan<byte> Read(int count)
    {
        if (count > _data.Length - _pos) Truncated();
        var span = _data.Span.Slice(_pos, count);
        _pos += count;
        return span;
    }

    ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Read(8));

    int Length(ulong n)
    {
        if (n > (ulong)(_data.Length - _pos)) Truncated();
        return (int)n;
    }

    string ReadLine()
    {
        var rest = _data.Span[_pos..];
        int nl = rest[..Math.Min(rest.Length, PickleLimits.MaxGlobalLine + 1)].IndexOf((byte)'\n');
        if (nl < 0 && rest.Length > PickleLimits.MaxGlobalLine) Fail($"has a GLOBAL name longer than {PickleLimits.MaxGlobalLine} bytes");
        if (nl < 0) Truncated();
        _pos += nl + 1;
        return Utf8(rest[..nl]);
    }

    string Utf8(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { Fail("has a string that is not valid UTF-8"); return null!; }
    }

    static string Describe(object? v) => v switch
    {
        null => "None",
        PickleGlobal g => $"global '{g.FullName}'",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict => "dict",
        TorchTensor => "tensor",
        _ => v.GetType().Name,
    };

    void Truncated() => Fail(_cutReason ?? "ends before its STOP opcode (truncated)");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void Fail(string what) => throw new ModelFormatException($"{_source}: pickle at byte {_opStart} {what}");
}
