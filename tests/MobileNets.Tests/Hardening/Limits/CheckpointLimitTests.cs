using System.Buffers.Binary;
using MobileNets.Tests.PyTorch;
using MobileNets.Weights;
using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.Hardening.Limits;

/// <summary>The PyTorch reader's settable limits, each one step over and at what a real checkpoint needs.</summary>
public class CheckpointLimitTests
{
    static Action<ModelFileLimits> Opener(string file)
    {
        var bytes = File.ReadAllBytes(PyTorchFixtures.Path(file));
        return limits =>
        {
            using var pth = PyTorchCheckpoint.Open(new MemoryStream(bytes, writable: false), file, limits);
        };
    }

    [Theory]
    [InlineData("views.pth")]
    [InlineData("views_legacy.pth")]
    public void OneTensorOverTheLimitIsRefused(string file)
    {
        int tensors;
        using (var pth = PyTorchCheckpoint.Open(PyTorchFixtures.Path(file))) tensors = pth.Names.Count();
        LimitAssert.RefusedOverAcceptedAt(Opener(file),
            ModelFileLimits.Default with { MaxTensors = tensors - 1 }, ModelFileLimits.Default with { MaxTensors = tensors }, "MaxTensors");
    }

    [Fact]
    public void ZipPickleOneByteOverTheLimitIsRefused()
    {
        using var stream = File.OpenRead(PyTorchFixtures.Path("views.pth"));
        var entries = StoredZipArchive.ReadEntries(stream, "views.pth", ModelFileLimits.Default);
        int pickle = (int)entries.Values.Single(e => e.Name.EndsWith("/data.pkl", StringComparison.Ordinal)).Length;
        LimitAssert.RefusedOverAcceptedAt(Opener("views.pth"),
            ModelFileLimits.Default with { MaxPickleBytes = pickle - 1 }, ModelFileLimits.Default with { MaxPickleBytes = pickle }, "MaxPickleBytes");
    }

    [Fact]
    public void LegacyPicklesOneByteOverTheLimitAreRefused()
    {
        // The five leading pickles end where the first storage record starts.
        var bytes = File.ReadAllBytes(PyTorchFixtures.Path("views_legacy.pth"));
        var unpickler = new RestrictedUnpickler(bytes, "views_legacy.pth", _ => new TorchStorage("0", TensorDType.F32, 1 << 20));
        for (int i = 0; i < 5; i++) unpickler.Load();
        int pickles = unpickler.Position;
        LimitAssert.RefusedOverAcceptedAt(Opener("views_legacy.pth"),
            ModelFileLimits.Default with { MaxPickleBytes = pickles - 1 }, ModelFileLimits.Default with { MaxPickleBytes = pickles }, "MaxPickleBytes");
    }

    /// <summary>The end-of-central-directory record (no comment): entry count and directory size.</summary>
    static (int Entries, int DirectoryBytes) CentralDirectory(string file)
    {
        var bytes = File.ReadAllBytes(PyTorchFixtures.Path(file));
        var end = bytes.AsSpan(bytes.Length - 22);
        Assert.Equal(0x06054b50u, BinaryPrimitives.ReadUInt32LittleEndian(end));
        return (BinaryPrimitives.ReadUInt16LittleEndian(end[10..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(end[12..]));
    }

    [Fact]
    public void OneZipEntryOverTheLimitIsRefused()
    {
        int entries = CentralDirectory("views.pth").Entries;
        LimitAssert.RefusedOverAcceptedAt(Opener("views.pth"),
            ModelFileLimits.Default with { MaxZipEntries = entries - 1 }, ModelFileLimits.Default with { MaxZipEntries = entries }, "MaxZipEntries");
    }

    [Fact]
    public void ZipDirectoryOneByteOverTheLimitIsRefused()
    {
        int size = CentralDirectory("views.pth").DirectoryBytes;
        LimitAssert.RefusedOverAcceptedAt(Opener("views.pth"),
            ModelFileLimits.Default with { MaxZipDirectoryBytes = size - 1 }, ModelFileLimits.Default with { MaxZipDirectoryBytes = size }, "MaxZipDirectoryBytes");
    }

    // The unpickler's own limits, on pickles that use exactly n of each (a pickle is the file here).

    static Action<ModelFileLimits> Unpickle(byte[] pickle) => limits =>
        new RestrictedUnpickler(pickle, "t.pkl", _ => throw new ModelFormatException("t.pkl: no storages here"), limits).Load();

    static byte[] Pickle(params byte[][] parts) => [0x80, 2, .. parts.SelectMany(p => p), (byte)'.'];

    static byte[] Repeat(char op, int n) => Enumerable.Repeat((byte)op, n).ToArray();

    const int N = 50;

    [Fact]
    public void OneValueOverTheLimitIsRefused() =>
        LimitAssert.RefusedOverAcceptedAt(Unpickle(Pickle(Repeat('N', N))),
            ModelFileLimits.Default with { MaxPickleValues = N - 1 }, ModelFileLimits.Default with { MaxPickleValues = N }, "MaxPickleValues");

    [Fact]
    public void OneMemoEntryOverTheLimitIsRefused() =>
        // None, then MEMOIZE n times: n entries.
        LimitAssert.RefusedOverAcceptedAt(Unpickle(Pickle(Repeat('N', 1), Repeat('\x94', N))),
            ModelFileLimits.Default with { MaxPickleMemoEntries = N - 1 }, ModelFileLimits.Default with { MaxPickleMemoEntries = N }, "MaxPickleMemoEntries");

    [Fact]
    public void OneMarkOverTheLimitIsRefused() =>
        // n MARKs open, then n TUPLEs close them: ((((...)))).
        LimitAssert.RefusedOverAcceptedAt(Unpickle(Pickle(Repeat('(', N), Repeat('t', N))),
            ModelFileLimits.Default with { MaxPickleMarkDepth = N - 1 }, ModelFileLimits.Default with { MaxPickleMarkDepth = N }, "MaxPickleMarkDepth");
}
