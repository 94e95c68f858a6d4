using MobileNets.Kernels;
using MobileNets.Models;
using MobileNets.Tests.Kernels;
using MobileNets.Weights;

namespace MobileNets.Tests.Models;

/// <summary>
/// Logits against torchvision/timm on random seeded weights with randomized BatchNorm statistics:
/// max|ours - reference| &lt;= 1e-4 * max|reference| and the same argmax, per the numerics contract.
/// The width is hidden from the loader so that inference from the shapes is exercised too.
/// </summary>
public class ClassifierParityTests
{
    public static TheoryData<string> Cases => ClassifierFixtures.CaseNames();

    /// <summary>Hides the file's width so the loader must infer it from the tensor shapes.</summary>
    sealed class WithoutWidth(IWeightSource inner) : IWeightSource
    {
        public string Source => inner.Source;
        public IReadOnlyDictionary<string, string> Metadata { get; } =
            inner.Metadata.Where(kv => kv.Key != "width").ToDictionary(kv => kv.Key, kv => kv.Value);
        public IEnumerable<string> Names => inner.Names;
        public bool TryGetShape(string name, out int[] shape) => inner.TryGetShape(name, out shape);
        public float[] ReadFloat32(string name) => inner.ReadFloat32(name);
        public void Dispose() => inner.Dispose();
    }

    static ClassifierCase Case(string name) => ClassifierFixtures.Get(name);

    internal static (float[] Input, int[] Shape, float[] Logits) ReadIo(ClassifierCase c)
    {
        var (input, shape) = ClassifierFixtures.Input(c);
        using var io = SafeTensorsFile.Open(Path.Combine(ClassifierFixtures.Folder, c.Io));
        return (input, shape, io.ReadFloat32("logits"));
    }

    internal static void AssertParity(float[] expected, float[] actual, int batch, string what)
    {
        float scale = expected.Max(MathF.Abs), err = 0;
        for (int i = 0; i < expected.Length; i++) err = MathF.Max(err, MathF.Abs(expected[i] - actual[i]));
        Assert.True(err <= 1e-4f * scale, $"{what}: max|ours - ref| = {err}, 1e-4 * max|ref| = {1e-4f * scale}");
        int classes = expected.Length / batch;
        for (int n = 0; n < batch; n++)
        {
            var e = expected.AsSpan(n * classes, classes); var a = actual.AsSpan(n * classes, classes);
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(e), System.Numerics.Tensors.TensorPrimitives.IndexOfMax(a));
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void LogitsMatchReference(string name)
    {
        var c = Case(name);
        var (input, shape, expected) = ReadIo(c);
        using var source = new WithoutWidth(WeightFiles.Open(Path.Combine(ClassifierFixtures.Folder, c.Weights)));
        var model = ClassifierModel.Load(source);
        Assert.Equal(c.Architecture, model.Architecture.Id);
        // Tiny widths round to the same channel counts; what must agree is every tensor shape.
        var inferred = model.Architecture.Build(model.Width, c.NumClasses).Convolutions().Select(x => x.WeightShape);
        var declared = model.Architecture.Build(c.Width, c.NumClasses).Convolutions().Select(x => x.WeightShape);
        Assert.Equal(declared, inferred);
        Assert.Equal(c.NumClasses, model.NumClasses);
        var logits = model.Logits(input, shape[0], shape[2], shape[3]);
        AssertParity(expected, logits, shape[0], $"{c.Case} ({SimdConfig.Best})");
    }

    /// <summary>The portable paths (what ARM64 and older CPUs take) give the same logits.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void LogitsMatchReferenceOnPortablePath(string name)
    {
        var c = Case(name);
        var (input, shape, expected) = ReadIo(c);
        using var source = WeightFiles.Open(Path.Combine(ClassifierFixtures.Folder, c.Weights));
        var model = ClassifierModel.Load(source, simd: SimdWidth.V128);
        AssertParity(expected, model.Logits(input, shape[0], shape[2], shape[3]), shape[0], $"{c.Case} (V128)");
    }

    /// <summary>Two threads split every convolution and attention layer: the logits still match.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void LogitsMatchReferenceOnTwoThreads(string name)
    {
        var c = Case(name);
        var (input, shape, expected) = ReadIo(c);
        using var source = WeightFiles.Open(Path.Combine(ClassifierFixtures.Folder, c.Weights));
        var model = ClassifierModel.Load(source, threads: 2);
        try { AssertParity(expected, model.Logits(input, shape[0], shape[2], shape[3]), shape[0], $"{c.Case} (2 threads)"); }
        finally { model.Network.Dispose(); }
    }

    [Fact]
    public void FixturesArePresent() =>
        Assert.True(ClassifierFixtures.All().Count >= 23, $"expected the issue-2 fixture set, found {ClassifierFixtures.All().Count} cases in {ClassifierFixtures.Folder}");
}
