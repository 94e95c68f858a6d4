using System.Reflection;
using MobileNets.Imaging;
using MobileNets.Segmentation.Models;
using MobileNets.Threading;

namespace MobileNets.Segmentation.Tests;

/// <summary>After Dispose every public method throws ObjectDisposedException, before decoding anything, and the worker threads are gone.</summary>
public class DisposalTests
{
    static readonly string Weights = SegmentationParityTests.Fixture("lraspp_mobilenet_v3_large.safetensors");
    static readonly byte[] Png = PngEncoder.Encode(new RgbImage(8, 6));

    /// <summary>One call per public instance method; <c>path</c> is a real image before Dispose and a missing one after.</summary>
    static readonly Dictionary<string, Action<SemanticSegmenter, string>> Calls = new()
    {
        ["Segment(String, Boolean)"] = (s, path) => s.Segment(path),
        ["Segment(Stream, Boolean)"] = (s, _) => s.Segment(new MemoryStream(Png)),
        ["Segment(Byte[], Boolean)"] = (s, _) => s.Segment(Png),
        ["Segment(ReadOnlySpan`1, Int32, Int32, Int32, PixelFormat, Boolean)"] = (s, _) => s.Segment(new byte[12], 2, 2, 6, PixelFormat.Rgb24),
        ["Segment(RgbImage, Boolean)"] = (s, _) => s.Segment(new RgbImage(4, 4)),
    };

    static string Signature(MethodInfo m) => $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name.TrimEnd('&')))})";

    /// <summary>Loaded at a 16-pixel shorter side: the calls before Dispose only need to work, not to be full size.</summary>
    static SemanticSegmenter Load(int threads) => SemanticSegmenter.Load(Weights, null, new SegmenterOptions { Threads = threads }, 16);

    [Fact]
    public void EveryPublicMethodThrowsObjectDisposedExceptionAfterDispose()
    {
        // Every public instance method but Dispose must be listed above, so a new overload cannot escape this test.
        var methods = typeof(SemanticSegmenter).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name != nameof(IDisposable.Dispose)).Select(Signature).Order().ToList();
        Assert.Equal(methods, Calls.Keys.Order().ToList());

        string path = MobileNets.Tests.TestPaths.TempFile("image.png");
        File.WriteAllBytes(path, Png);
        var segmenter = Load(threads: 2);
        foreach (var call in Calls.Values) call(segmenter, path);   // all work before Dispose
        segmenter.Dispose();
        segmenter.Dispose();   // idempotent
        foreach (var (name, call) in Calls)
        {
            var e = Record.Exception(() => call(segmenter, "/nonexistent/image.png"));
            Assert.True(e is ObjectDisposedException, $"{name} threw {e?.GetType().Name ?? "nothing"} instead of ObjectDisposedException");
        }
        Assert.Equal("lraspp_mobilenet_v3_large", segmenter.Architecture);   // descriptive properties stay readable
    }

    [Fact]
    public async Task DisposeStopsTheWorkerThreads()
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        var segmenter = Load(threads: 3);
        var model = (SegmentationModel)typeof(SemanticSegmenter).GetField("_model", Private)!.GetValue(segmenter)!;
        var pool = (WorkerPool)typeof(SegmentationModel).GetField("_pool", Private)!.GetValue(model)!;
        var workers = (Thread[])typeof(WorkerPool).GetField("_workers", Private)!.GetValue(pool)!;
        Assert.Equal(2, workers.Length);   // the caller is the third thread
        segmenter.Segment(new RgbImage(40, 30));
        Assert.All(workers, t => Assert.True(t.IsAlive));
        await Task.Run(segmenter.Dispose, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.All(workers, t => Assert.False(t.IsAlive));
    }

    [Fact]
    public void ThreadsBelowOneAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SemanticSegmenter.Load(Weights, options: new SegmenterOptions { Threads = 0 }));

    [Fact]
    public void OptionsCarryTheModelFileLimits()
    {
        var e = Assert.Throws<ModelFormatException>(() => SemanticSegmenter.Load(Weights, options: new SegmenterOptions { Limits = ModelFileLimits.Default with { MaxTensors = 10 } }));
        Assert.Contains("MaxTensors", e.Message);
    }
}
