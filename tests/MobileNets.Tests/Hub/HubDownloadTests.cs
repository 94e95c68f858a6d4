using MobileNets.Hub;
using static MobileNets.Tests.Hub.HubTestSupport;

namespace MobileNets.Tests.Hub;

/// <summary>The download cache against a local HTTP server: verification, atomic placement, resume, failures, cancellation.</summary>
public class HubDownloadTests
{
    static Task<string> Download(ModelHubEntry entry, string cache, bool force = false, IProgress<DownloadProgress>? progress = null, CancellationToken? ct = null) =>
        ModelHub.DownloadAsync(entry, cache, force, progress, ct ?? TestContext.Current.CancellationToken, Client);

    static void AssertNoPartial(string cache) => Assert.Empty(Directory.GetFiles(cache, "*.partial"));

    [Fact]
    public async Task GoodFileIsVerifiedMovedIntoPlaceAndThenServedFromTheCache()
    {
        var content = Payload(100_000, 1);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/model.safetensors"), content);
        var cache = TempCache();

        string path = await Download(entry, cache);
        Assert.Equal(Path.Combine(cache, "test_model.e1_in1k.safetensors"), path);
        Assert.Equal(content, File.ReadAllBytes(path));
        AssertNoPartial(cache);

        Assert.Equal(path, await Download(entry, cache));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ForceDownloadsAgain()
    {
        var content = Payload(5000, 2);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/m.pth"), content);
        var cache = TempCache();
        await Download(entry, cache);
        await Download(entry, cache, force: true);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task HashMismatchDeletesTheDownloadAndSaysSo()
    {
        var content = Payload(20_000, 3);
        var corrupt = (byte[])content.Clone();
        corrupt[12345] ^= 0x40;
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(corrupt, r));
        var entry = Entry(server.Url("/model.safetensors"), content);
        var cache = TempCache();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => Download(entry, cache));
        Assert.Contains("failed verification (SHA-256", e.Message);
        Assert.Contains("it was deleted", e.Message);
        Assert.Empty(Directory.GetFiles(cache));
    }

    [Fact]
    public async Task TorchvisionHashPrefixIsChecked()
    {
        var content = Payload(3000, 4);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        string digest = Sha256(content);
        var good = Entry(server.Url("/m-x.pth"), null, "good.V1") with { Sha256Prefix = digest[..8] };
        var bad = Entry(server.Url("/m-y.pth"), null, "bad.V1") with { Sha256Prefix = digest[..7] + (digest[7] == '0' ? '1' : '0') };
        var cache = TempCache();

        Assert.True(File.Exists(await Download(good, cache)));
        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => Download(bad, cache));
        Assert.Contains("the hash in torchvision's file name", e.Message);
    }

    [Fact]
    public async Task SizeOnlyEntryRejectsAServerAnnouncingAnotherSize()
    {
        var content = Payload(1000, 5);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/m.tflite"), null) with { Size = 999 };
        var cache = TempCache();
        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => Download(entry, cache));
        Assert.Contains("serves 1000 bytes but the catalog pins 999", e.Message);
        Assert.False(File.Exists(Path.Combine(cache, entry.FileName)));
    }

    [Fact]
    public async Task TruncatedResponseFailsCleanlyAndTheNextAttemptResumes()
    {
        var content = Payload(50_000, 6);
        await using var server = new LocalHttpServer((r, n) => n == 0
            ? new HttpReply(200, content[..20_000], DeclaredLength: content.Length)
            : HttpReply.File(content, r));
        var entry = Entry(server.Url("/model.safetensors"), content);
        var cache = TempCache();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => Download(entry, cache));
        Assert.Contains("interrupted after 20000 of 50000 bytes", e.Message);
        Assert.Contains("run again to resume", e.Message);
        Assert.False(File.Exists(Path.Combine(cache, entry.FileName)));

        string path = await Download(entry, cache);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal("bytes=20000-", server.Requests.Last().Range);
        AssertNoPartial(cache);
    }

    [Fact]
    public async Task PartialFileIsResumedWithARangeRequest()
    {
        var content = Payload(40_000, 7);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/model.safetensors"), content);
        var cache = TempCache();
        File.WriteAllBytes(Path.Combine(cache, entry.FileName + ".partial"), content[..12_345]);

        var reports = new List<DownloadProgress>();
        string path = await Download(entry, cache, progress: new SynchronousProgress(reports.Add));
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal("bytes=12345-", Assert.Single(server.Requests).Range);
        Assert.Equal(new DownloadProgress(12_345, content.Length), reports[0]);
        Assert.Equal(new DownloadProgress(content.Length, content.Length), reports[^1]);
    }

    [Fact]
    public async Task ServerIgnoringRangeRestartsFromZero()
    {
        var content = Payload(30_000, 8);
        await using var server = new LocalHttpServer((_, _) => new HttpReply(200, content));
        var entry = Entry(server.Url("/model.safetensors"), content);
        var cache = TempCache();
        File.WriteAllBytes(Path.Combine(cache, entry.FileName + ".partial"), Payload(9_000, 99));

        Assert.Equal(content, File.ReadAllBytes(await Download(entry, cache)));
    }

    [Fact]
    public async Task UnsatisfiableRangeRestartsFromZero()
    {
        var content = Payload(10_000, 9);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/model.safetensors"), null);
        var cache = TempCache();
        File.WriteAllBytes(Path.Combine(cache, entry.FileName + ".partial"), Payload(10_500, 98));

        Assert.Equal(content, File.ReadAllBytes(await Download(entry, cache)));
        Assert.Equal(["bytes=10500-", null], server.Requests.Select(r => r.Range));
    }

    [Fact]
    public async Task NotFoundNamesTheUrlAndWhereToPlaceTheFile()
    {
        await using var server = new LocalHttpServer((_, _) => HttpReply.NotFound());
        var entry = Entry(server.Url("/missing.safetensors"), null);
        var cache = TempCache();
        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => Download(entry, cache));
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains(entry.Url, e.Message);
        Assert.Contains($"save it as {Path.Combine(cache, entry.FileName)}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task UnreachableServerNamesTheUrlAndWhereToPlaceTheFile()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        int port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var entry = Entry($"http://127.0.0.1:{port}/model.safetensors", null);
        var cache = TempCache();
        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => Download(entry, cache));
        Assert.StartsWith($"cannot download test_model.e1_in1k from {entry.Url}", e.Message);
        Assert.Contains($"save it as {Path.Combine(cache, entry.FileName)}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task CancellationStopsAHangingDownloadPromptlyAndKeepsThePartialFile()
    {
        var content = Payload(200_000, 10);
        await using var server = new LocalHttpServer((_, _) => new HttpReply(200, content, HangAfter: 70_000));
        var entry = Entry(server.Url("/model.safetensors"), content);
        var cache = TempCache();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new SynchronousProgress(p => { if (p.BytesReceived >= 70_000) cts.CancelAfter(50); });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Download(entry, cache, progress: progress, ct: cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {clock.Elapsed}");
        Assert.Equal(70_000, new FileInfo(Path.Combine(cache, entry.FileName + ".partial")).Length);
        Assert.False(File.Exists(Path.Combine(cache, entry.FileName)));
    }

    [Fact]
    public async Task ResolveReturnsAnExistingPathOrDownloadsACatalogName()
    {
        var content = Payload(2000, 11);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var cache = TempCache();
        ModelHub.CatalogOverride.Value = [Entry(server.Url("/model.safetensors"), content)];

        var existing = TestPaths.TempFile("weights.safetensors");
        File.WriteAllBytes(existing, content);
        Assert.Equal(existing, ModelHub.Resolve(existing, cache, null, TestContext.Current.CancellationToken, Client));
        Assert.Empty(server.Requests);

        string path = ModelHub.Resolve("TEST_MODEL.e1_in1k", cache, null, TestContext.Current.CancellationToken, Client);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Throws<ArgumentException>(() => ModelHub.Resolve("no_such_model.tag", cache, null, TestContext.Current.CancellationToken, Client));
        Assert.Throws<FileNotFoundException>(() => ModelHub.Resolve("missing/dir/weights.pth", cache, null, TestContext.Current.CancellationToken, Client));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order, on the reporting thread.</summary>
    sealed class SynchronousProgress(Action<DownloadProgress> onReport) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => onReport(value);
    }
}
