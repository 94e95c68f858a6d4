using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.PyTorch;

/// <summary>The unpickler's opcodes and limits on hand-assembled pickles (opcode names as in pickletools).</summary>
public class RestrictedUnpicklerTests
{
    static object? Load(byte[] pickle) =>
        new RestrictedUnpickler(pickle, "t.pkl", _ => throw new ModelFormatException("t.pkl: no storages here")).Load();

    static string Refusal(byte[] pickle) => Assert.Throws<ModelFormatException>(() => Load(pickle)).Message;

    static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    static byte[] Repeat(byte b, int n) => Enumerable.Repeat(b, n).ToArray();

    [Fact]
    public void BuildsDictsListsTuplesAndScalars()
    {
        // {"a": [1, -2, 70000, 2.5, None, True], "b": (b"x",)} with memo traffic, protocol 4 framing
        byte[] pickle =
        [
            0x80, 4, 0x95, 40, 0, 0, 0, 0, 0, 0, 0,
            (byte)'}', 0x94, (byte)'(', 0x8c, 1, (byte)'a', (byte)']', 0x94, (byte)'(',
            (byte)'K', 1, (byte)'J', 0xfe, 0xff, 0xff, 0xff, (byte)'J', 0x70, 0x11, 0x01, 0,
            (byte)'G', 0x40, 0x04, 0, 0, 0, 0, 0, 0, (byte)'N', 0x88, (byte)'e',
            0x8c, 1, (byte)'b', (byte)'C', 1, (byte)'x', 0x85, (byte)'u', (byte)'.',
        ];
        var dict = Assert.IsType<PickleDict>(Load(pickle));
        Assert.Equal("a", dict.Items[0].Key);
        Assert.Equal(new object?[] { 1L, -2L, 70000L, 2.5, null, true }, Assert.IsType<List<object?>>(dict.Items[0].Value));
        var tuple = Assert.IsType<object?[]>(dict.Items[1].Value);
        Assert.Equal("x"u8.ToArray(), Assert.IsType<byte[]>(tuple[0]));
    }

    [Theory]
    [InlineData(new byte[] { 0x8a, 2, 0x00, 0x80 }, -32768L)]
    [InlineData(new byte[] { 0x8a, 1, 0xff }, -1L)]
    [InlineData(new byte[] { 0x8a, 0 }, 0L)]
    [InlineData(new byte[] { 0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x80 }, long.MinValue)]
    public void Long1IsLittleEndianTwosComplement(byte[] op, long expected) =>
        Assert.Equal(expected, Load(Concat([0x80, 2], op, [(byte)'.'])));

    [Fact]
    public void DeepMarkNestingIsRefused() =>
        Assert.Contains("nests MARKs deeper", Refusal(Concat([0x80, 2], Repeat((byte)'(', 100_000))));

    [Fact]
    public void ValueFloodIsRefused() =>
        Assert.Contains("builds more than", Refusal(Concat([0x80, 2], Repeat((byte)'N', ModelFileLimits.Default.MaxPickleValues + 10))));

    [Fact]
    public void StringLongerThanThePickleIsRefusedBeforeAllocating() =>
        Assert.Contains("truncated", Refusal([0x80, 2, (byte)'X', 0xff, 0xff, 0xff, 0x7f, (byte)'a']));

    [Fact]
    public void FrameLongerThanThePickleIsRefused() =>
        Assert.Contains("FRAME longer", Refusal([0x80, 4, 0x95, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, (byte)'N', (byte)'.']));

    [Fact]
    public void UnknownMemoEntryIsRefused() =>
        Assert.Contains("never stored", Refusal([0x80, 2, (byte)'h', 7, (byte)'.']));

    [Fact]
    public void ReduceOfANonGlobalIsRefused() =>
        Assert.Contains("REDUCE calls a", Refusal([0x80, 2, (byte)'N', (byte)')', (byte)'R', (byte)'.']));

    [Fact]
    public void AdmittedButInertGlobalIsNotCallable() =>
        Assert.Contains("not callable", Refusal(Concat([0x80, 2, (byte)'c'], "torch\nfloat32\n"u8.ToArray(), [(byte)')', (byte)'R', (byte)'.'])));

    [Fact]
    public void SparseTensorRebuildIsAdmittedByTorchButRefusedHere() =>
        Assert.Contains("not supported here", Refusal(Concat([0x80, 2, (byte)'c'], "torch._utils\n_rebuild_sparse_tensor\n"u8.ToArray(), [(byte)')', (byte)'R', (byte)'.'])));

    [Theory]
    [InlineData((byte)'i', "INST")]
    [InlineData((byte)'o', "OBJ")]
    [InlineData((byte)'P', "PERSID")]
    [InlineData((byte)'I', "INT")]
    [InlineData((byte)0x92, "NEWOBJ_EX")]
    public void OpcodesAStateDictNeverNeedsAreRefused(byte op, string name) =>
        Assert.Contains($"({name})", Refusal([0x80, 2, op, (byte)'.']));

    [Fact]
    public void AppendToANonListIsRefused() =>
        Assert.Contains("APPEND to a dict", Refusal([0x80, 2, (byte)'}', (byte)'N', (byte)'a', (byte)'.']));

    [Fact]
    public void ControlCharactersInARefusedGlobalStayOnOneLine()
    {
        var message = Refusal(Concat([0x80, 2, (byte)'c'], "evil\rmodule\nname\n"u8.ToArray(), [(byte)'.']));
        Assert.Contains("evil?module.name", message);
    }
}
