using System.Reflection;
using MobileNets.Classification;
using MobileNets.Imaging;
using MobileNets.Layers;
using MobileNets.Threading;

namespace MobileNets.Tests.Hardening;

/// <summary>After Dispose every public method throws ObjectDisposedException and the worker threads are gone.</summary>
public class DisposalTests
{
    static readonly string PngPath = Path.Combine(TestPaths.Fixtures("Imaging", "inputs"), "png_1x1.png");
    static readonly byte[] Png = File.ReadAllBytes(PngPath);

    /// <summary>
    /// One call per public instance method; <c>path</c> is a real image before Dispose and a missing
    /// one after, so ObjectDisposedException must come before any decoding.
    /// </summary>
    static readonly Dictionary<string, Action<ImageClassifier, string>> Calls = new()
    {
        ["Classify(String, Int32)"] = (c, path) => c.Classify(path),
        ["Classify(Stream, Int32)"] = (c, _) => c.Classify(new MemoryStream(Png)),
        ["Classify(Byte[], Int32)"] = (c, _) => c.Classify(Png),
        ["Classify(ReadOnlySpan`1, Int32, Int32, Int32, PixelFormat, Int32)"] = (c, _) => c.Classify(new byte[12], 2, 2, 6, PixelFormat.Rgb24),
        ["Classify(RgbImage, Int32)"] = (c, _) => c.Classify(HardeningFixtures.Synthetic(8, 8, 1)),
        ["ClassifyBatch(IEnumerable`1, Int32, CancellationToken)"] = (c, path) => c.ClassifyBatch(new[] { path }.AsEnumerable()),
        ["ClassifyBatch(IReadOnlyList`1, Int32, CancellationToken)"] = (c, _) => c.ClassifyBatch([HardeningFixtures.Synthetic(8, 8, 2)]),
        ["Preprocess(RgbImage)"] = (c, _) => c.Preprocess(HardeningFixtures.Synthetic(8, 8, 3)),
    };

    static string Signature(MethodInfo m) => $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name.TrimEnd('&')))})";

    [Fact]
    public void EveryPublicMethodThrowsObjectDisposedExceptionAfterDispose()
    {
        // Every public instance method but Dispose and the property getters must be listed above,
        // so a new overload cannot escape this test.
        var methods = typeof(ImageClassifier).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name != nameof(IDisposable.Dispose)).Select(Signature).Order().ToList();
        Assert.Equal(methods, Calls.Keys.Order().ToList());

        var classifier = HardeningFixtures.Load(threads: 2);
        foreach (var call in Calls.Values) call(classifier, PngPath);   // all work before Dispose
        classifier.Dispose();
        classifier.Dispose();   // idempotent
        foreach (var (name, call) in Calls)
            Assert.True(Throws<ObjectDisposedException>(() => call(classifier, "/nonexistent/image.png")), $"{name} did not throw ObjectDisposedException");
        // Descriptive properties stay readable: they hold no native or pooled resources.
        Assert.Equal("mobilenetv1_125", classifier.Architecture);
        Assert.Equal(7, classifier.NumClasses);
    }

    static bool Throws<T>(Action a) where T : Exception
    {
        try { a(); return false; }
        catch (T) { return true; }
        catch { return false; }
    }

    static Thread[] Workers(ImageClassifier classifier)
    {
        var backend = (FloatClassifierBackend)typeof(ImageClassifier).GetField("_backend", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(classifier)!;
        var pool = (WorkerPool)typeof(Network).GetField("_pool", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(backend.Model.Network)!;
        return (Thread[])typeof(WorkerPool).GetField("_workers", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(pool)!;
    }

    [Fact]
    public async Task DisposeStopsTheWorkerThreads()
    {
        for (int round = 0; round < 10; round++)
        {
            var classifier = HardeningFixtures.Load(threads: 3);
            var workers = Workers(classifier);
            Assert.Equal(2, workers.Length);   // the caller is the third thread
            classifier.Classify(HardeningFixtures.Synthetic(40, 40, round));
            Assert.All(workers, t => Assert.True(t.IsAlive));
            // Dispose joins the workers: it must return, and leave none running.
            await Task.Run(classifier.Dispose, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.All(workers, t => Assert.False(t.IsAlive));
        }
    }

    static Thread[] TfLiteWorkers(ImageClassifier classifier)
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        var backend = (TfLiteClassifierBackend)typeof(ImageClassifier).GetField("_backend", Private)!.GetValue(classifier)!;
        var model = (MobileNets.Quantized.TfLiteModel)typeof(TfLiteClassifierBackend).GetField("_model", Private)!.GetValue(backend)!;
        var pool = (WorkerPool)typeof(MobileNets.Quantized.OperatorParallelism).GetField("_pool", Private)!.GetValue(model.Parallelism)!;
        return (Thread[])typeof(WorkerPool).GetField("_workers", Private)!.GetValue(pool)!;
    }

    [Fact]
    public async Task DisposeStopsTheTfLiteClassifiersWorkerThreads()
    {
        var path = TfLite.TfLiteTestData.Shared("tflite/mobilenet_v1_0.25_128_quant.tflite");
        for (int round = 0; round < 5; round++)
        {
            var classifier = ImageClassifier.Load(path, options: new ClassifierOptions { Threads = 2 });
            var workers = TfLiteWorkers(classifier);
            Assert.Single(workers);   // the caller is the second thread
            classifier.Classify(HardeningFixtures.Synthetic(40, 40, round));
            Assert.All(workers, t => Assert.True(t.IsAlive));
            await Task.Run(classifier.Dispose, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.All(workers, t => Assert.False(t.IsAlive));
        }
    }
}
