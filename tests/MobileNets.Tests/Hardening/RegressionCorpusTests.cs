using MobileNets.Models;
using MobileNets.Weights;

namespace MobileNets.Tests.Hardening;

/// <summary>Every input kept under Fixtures/Regressions is refused with the parser's typed exception, cheaply.</summary>
public class RegressionCorpusTests
{
    public static TheoryData<string> SafeTensorsFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestPaths.Fixtures("Regressions"), "*.safetensors").Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(SafeTensorsFiles))]
    public void SafeTensorsReaderRefusesIt(string file)
    {
        string path = TestPaths.Fixtures("Regressions", file);
        long length = new FileInfo(path).Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFormatException>(() =>
        {
            using var st = SafeTensorsFile.Open(path);
            foreach (var t in st.Tensors) st.ReadFloat32(t);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(allocated < FuzzSettings.AllocationBound(length), $"{file}: allocated {allocated} bytes for {length}");
    }

    [Theory]
    [MemberData(nameof(SafeTensorsFiles))]
    public void ModelLoadRefusesIt(string file)
    {
        // Through WeightFiles.Open, as ImageClassifier.Load and the CLI reach the reader.
        Assert.Throws<ModelFormatException>(() => ClassifierModel.Load(TestPaths.Fixtures("Regressions", file), "mobilenetv1_125", 0.075));
    }
}
