using MobileNets.Models;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// Every input kept under Fixtures/Regressions is refused by the parser its extension selects
/// (safetensors, .pth, .tflite, JPEG/PNG/BMP/PNM) with that parser's typed exception and the reason
/// listed in expected.txt, in one line, within the fuzz tests' time bound and allocating no more
/// than its size allows (<see cref="FuzzProbe"/>, <see cref="FuzzSettings.AllocationBound"/>).
/// </summary>
public class RegressionCorpusTests
{
    static string Folder => TestPaths.Fixtures("Regressions");

    /// <summary>expected.txt: one <c>file: reason</c> line per file (the reason is a fragment of the message).</summary>
    static Dictionary<string, string> Expected() => File.ReadLines(Path.Combine(Folder, "expected.txt"))
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split(": ", 2))
        .ToDictionary(p => p[0], p => p[1]);

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Expected().Keys.Order(StringComparer.Ordinal)) data.Add(f);
        return data;
    }

    [Fact]
    public void EveryFileIsListedWithItsReason()
    {
        var files = Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Where(f => f is not ("README.md" or "expected.txt"));
        Assert.Equal(files.Order(StringComparer.Ordinal), Expected().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ItsParserRefusesIt(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        var (refusal, attempt) = ParserAttempts.ForExtension(Path.GetExtension(file));
        var (elapsed, allocated, error) = FuzzProbe.Attempt(attempt, bytes);
        Assert.NotNull(error);
        Assert.IsType(refusal, error);
        Assert.Contains(Expected()[file], error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(elapsed < FuzzSettings.PerInputLimit, $"{file}: took {elapsed}");
        Assert.True(allocated < FuzzSettings.AllocationBound(bytes.Length), $"{file}: allocated {allocated} bytes for {bytes.Length}");
    }

    public static TheoryData<string> WeightFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Expected().Keys.Where(f => f.EndsWith(".safetensors") || f.EndsWith(".pth")).Order(StringComparer.Ordinal)) data.Add(f);
        return data;
    }

    [Theory]
    [MemberData(nameof(WeightFiles))]
    public void ModelLoadRefusesIt(string file)
    {
        // Through WeightFiles.Open, as ImageClassifier.Load and the CLI reach the readers.
        Assert.Throws<ModelFormatException>(() => ClassifierModel.Load(Path.Combine(Folder, file), "mobilenetv1_125", 0.075));
    }
}
