using System.Reflection;
using MobileNets.Detection.Models;
using MobileNets.Imaging;
using MobileNets.Threading;

namespace MobileNets.Detection.Tests;

/// <summary>After Dispose every public method throws ObjectDisposedException, before decoding anything, and the worker threads are gone.</summary>
public class DisposalTests
{
    static readonly string Weights = DetectionFixtures.Path("ssdlite320_mobilenet_v3_large.safetensors");
    static readonly byte[] Png = PngEncoder.Encode(new RgbImage(8, 6));

    /// <summary>One call per public instance method; <c>path</c> is a real image before Dispose and a missing one after.</summary>
    static readonly Dictionary<string, Action<ObjectDetector, string>> Calls = new()
    {
        ["Detect(String, Single)"] = (d, path) => d.Detect(path),
        ["Detect(Stream, Single)"] = (d, _) => d.Detect(new MemoryStream(Png)),
        ["Detect(Byte[], Single)"] = (d, _) => d.Detect(Png),
        ["Detect(ReadOnlySpan`1, Int32, Int32, Int32, PixelFormat, Single)"] = (d, _) => d.Detect(new byte[12], 2, 2, 6, PixelFormat.Rgb24),
        ["Detect(RgbImage, Single)"] = (d, _) => d.Detect(new RgbImage(4, 4)),
    };

    static string Signature(MethodInfo m) => $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name.TrimEnd('&')))})";

    [Fact]
    public void EveryPublicMethodThrowsObjectDisposedExceptionAfterDispose()
    {
        // Every public instance method but Dispose must be listed above, so a new overload cannot escape this test.
        var methods = typeof(ObjectDetector).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name != nameof(IDisposable.Dispose)).Select(Signature).Order().ToList();
        Assert.Equal(methods, Calls.Keys.Order().ToList());

        string path = MobileNets.Tests.TestPaths.TempFile("image.png");
        File.WriteAllBytes(path, Png);
        var detector = ObjectDetector.Load(Weights, options: new DetectorOptions { Threads = 2 });
        foreach (var call in Calls.Values) call(detector, path);   // all work before Dispose
        detector.Dispose();
        detector.Dispose();   // idempotent
        foreach (var (name, call) in Calls)
        {
            var e = Record.Exception(() => call(detector, "/nonexistent/image.png"));
            Assert.True(e is ObjectDisposedException, $"{name} threw {e?.GetType().Name ?? "nothing"} instead of ObjectDisposedException");
        }
        Assert.Equal(6, detector.NumClasses);   // descriptive properties stay readable
    }

    [Fact]
    public async Task DisposeStopsTheWorkerThreads()
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        var detector = ObjectDetector.Load(Weights, options: new DetectorOptions { Threads = 3 });
        var model = (SsdLiteModel)typeof(ObjectDetector).GetField("_model", Private)!.GetValue(detector)!;
        var pool = (WorkerPool)typeof(SsdLiteModel).GetField("_pool", Private)!.GetValue(model)!;
        var workers = (Thread[])typeof(WorkerPool).GetField("_workers", Private)!.GetValue(pool)!;
        Assert.Equal(2, workers.Length);   // the caller is the third thread
        detector.Detect(new RgbImage(40, 30));
        Assert.All(workers, t => Assert.True(t.IsAlive));
        await Task.Run(detector.Dispose, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.All(workers, t => Assert.False(t.IsAlive));
    }

    [Fact]
    public void ThreadsBelowOneAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ObjectDetector.Load(Weights, options: new DetectorOptions { Threads = 0 }));

    [Fact]
    public void OptionsCarryTheModelFileLimits()
    {
        var e = Assert.Throws<ModelFormatException>(() => ObjectDetector.Load(Weights, options: new DetectorOptions { Limits = ModelFileLimits.Default with { MaxTensors = 10 } }));
        Assert.Contains("MaxTensors", e.Message);
    }
}
