using MobileNets.Hub;
using static MobileNets.Tests.Hub.HubTestSupport;

namespace MobileNets.Tests.Hub;

/// <summary>
/// Entries without a pinned SHA-256 (timm, torchvision, some TFLite files): the first download's hash is
/// recorded beside the cached file, a later download with another hash is deleted and refused, and
/// pinned entries get no record.
/// </summary>
public class TrustOnFirstUseTests
{
    static Task<string> Download(ModelHubEntry entry, string cache, bool force = false) =>
        ModelHub.DownloadAsync(entry, cache, force, null, TestContext.Current.CancellationToken, Client);

    [Fact]
    public async Task FirstDownloadOfAnUnpinnedEntryRecordsItsHash()
    {
        var content = Payload(6000, 31);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/model.safetensors"), null);
        Assert.False(entry.IsHashPinned);
        var cache = TempCache();

        string path = await Download(entry, cache);

        Assert.Equal($"{Sha256(content)}  {entry.FileName}\n", File.ReadAllText(RecordedHash.PathOf(path)));
        Assert.Equal(Sha256(content), RecordedHash.Read(path));
    }

    [Fact]
    public async Task ADownloadWithTheRecordedHashPasses()
    {
        var content = Payload(6000, 32);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/model.safetensors"), null);
        var cache = TempCache();
        string path = await Download(entry, cache);

        Assert.Equal(path, await Download(entry, cache, force: true));
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task AChangedFileIsDeletedAndRefusedAndTheCachedOneKept()
    {
        var first = Payload(6000, 33);
        var changed = Payload(6000, 34);
        await using var server = new LocalHttpServer((r, n) => HttpReply.File(n == 0 ? first : changed, r));
        var entry = Entry(server.Url("/model.safetensors"), null);
        var cache = TempCache();
        string path = await Download(entry, cache);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => Download(entry, cache, force: true));

        Assert.Contains($"SHA-256 {Sha256(changed)}, but the first download into this cache had {Sha256(first)}", e.Message);
        Assert.Contains(RecordedHash.PathOf(path), e.Message);
        Assert.Contains("it was deleted", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.Equal(Sha256(first), RecordedHash.Read(path));
        Assert.Empty(Directory.GetFiles(cache, "*.partial"));
    }

    [Fact]
    public async Task DeletingTheRecordAcceptsTheNextDownload()
    {
        var first = Payload(6000, 35);
        var changed = Payload(6000, 36);
        await using var server = new LocalHttpServer((r, n) => HttpReply.File(n == 0 ? first : changed, r));
        var entry = Entry(server.Url("/model.safetensors"), null);
        var cache = TempCache();
        string path = await Download(entry, cache);
        File.Delete(RecordedHash.PathOf(path));

        await Download(entry, cache, force: true);

        Assert.Equal(changed, File.ReadAllBytes(path));
        Assert.Equal(Sha256(changed), RecordedHash.Read(path));
    }

    [Fact]
    public async Task PinnedEntriesGetNoRecord()
    {
        var content = Payload(6000, 37);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        var entry = Entry(server.Url("/model.safetensors"), content);
        Assert.True(entry.IsHashPinned);
        var cache = TempCache();

        string path = await Download(entry, cache);

        Assert.False(File.Exists(RecordedHash.PathOf(path)));
    }

    [Fact]
    public void AMalformedRecordIsReportedNotTrusted()
    {
        string cached = Path.Combine(TempCache(), "m.safetensors");
        File.WriteAllText(RecordedHash.PathOf(cached), "not a hash\n");
        var e = Assert.Throws<ModelDownloadException>(() => RecordedHash.Read(cached));
        Assert.Contains("delete it", e.Message);
    }
}
