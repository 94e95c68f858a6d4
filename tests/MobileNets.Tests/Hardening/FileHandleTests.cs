using MobileNets.Weights;

namespace MobileNets.Tests.Hardening;

/// <summary>Load reads weight files with a FileStream and must close it: the file can be locked, renamed and deleted right after.</summary>
public class FileHandleTests
{
    static string Copy(string source)
    {
        string path = TestPaths.TempFile(Path.GetFileName(source));
        File.Copy(source, path);
        return path;
    }

    static void AssertReleased(string path)
    {
        // On Unix .NET takes an advisory lock per FileShare mode: FileShare.None fails while any reader holds the file.
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
        string moved = path + ".moved";
        File.Move(path, moved);
        File.Delete(moved);
        Assert.False(File.Exists(moved));
    }

    [Fact]
    public void AnOpenReaderIsDetected()
    {
        // The control: while a reader is open, the exclusive open above does fail.
        string path = Copy(HardeningFixtures.ModelPath);
        using (SafeTensorsFile.Open(path))
            Assert.Throws<IOException>(() => new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
        AssertReleased(path);
    }

    [Fact]
    public void SafeTensorsFileIsReleasedAfterLoad()
    {
        string path = Copy(HardeningFixtures.ModelPath);
        using var classifier = ImageClassifier.Load(path, options: new ClassifierOptions { Threads = 1 });
        AssertReleased(path);
        Assert.NotEmpty(classifier.Classify(HardeningFixtures.Synthetic(16, 16, 0)));   // the model needs nothing from the file
    }

    [Fact]
    public void PyTorchCheckpointIsReleasedAfterLoad()
    {
        string path = Copy(TestPaths.Fixtures("PyTorch", "mnv3s_f16.pth"));
        using var classifier = ImageClassifier.Load(path, "mobilenet_v3_small", new ClassifierOptions { Threads = 1 });
        AssertReleased(path);
        Assert.NotEmpty(classifier.Classify(HardeningFixtures.Synthetic(16, 16, 0)));
    }

    [Fact]
    public void AFailedLoadReleasesTheFileToo()
    {
        string path = TestPaths.TempFile("bad.safetensors");
        File.WriteAllBytes(path, File.ReadAllBytes(HardeningFixtures.ModelPath)[..5000]);
        Assert.Throws<ModelFormatException>(() => ImageClassifier.Load(path, "mobilenetv1_125"));
        AssertReleased(path);
    }
}
