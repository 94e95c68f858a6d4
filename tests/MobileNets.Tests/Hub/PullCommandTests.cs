using MobileNets.Hub;
using MobileNets.Tests.Cli;
using static MobileNets.Tests.Hub.HubTestSupport;

namespace MobileNets.Tests.Hub;

/// <summary><c>mobilenets pull</c>: the path on stdout, one-line errors, exit 2 for names, 1 for downloads.</summary>
public class PullCommandTests
{
    [Fact]
    public async Task PullDownloadsAndPrintsThePath()
    {
        var content = Payload(4000, 21);
        await using var server = new LocalHttpServer((r, _) => HttpReply.File(content, r));
        ModelHub.CatalogOverride.Value = [Entry(server.Url("/model.safetensors"), content)];
        var cache = TempCache();

        var r = CliRunner.Run("pull", "test_model.e1_in1k", "--cache-dir", cache);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Path.Combine(cache, "test_model.e1_in1k.safetensors") + Environment.NewLine, r.Stdout);
        Assert.Equal(content, File.ReadAllBytes(r.Stdout.Trim()));

        var again = CliRunner.Run("pull", "test_model.e1_in1k", "--cache-dir", cache, "--force");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public void PullOfACachedCatalogEntryNeedsNoNetwork()
    {
        var cache = TempCache();
        var entry = ModelHub.Find("mobilenetv3_large_100.ra_in1k");
        File.WriteAllBytes(Path.Combine(cache, entry.FileName), [1, 2, 3]);
        var r = CliRunner.Run("pull", "mobilenetv3_large_100", "--cache-dir", cache);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Path.Combine(cache, entry.FileName), r.Stdout.Trim());
    }

    [Fact]
    public async Task VerificationFailureExitsOneWithOneLine()
    {
        var content = Payload(4000, 22);
        await using var server = new LocalHttpServer((_, _) => new HttpReply(200, Payload(4000, 23)));
        ModelHub.CatalogOverride.Value = [Entry(server.Url("/model.safetensors"), content)];
        var r = CliRunner.Run("pull", "test_model.e1_in1k", "--cache-dir", TempCache());
        CliRunner.AssertOneLineError(r, 1, "failed verification");
    }

    [Fact]
    public void UnknownNameExitsTwo() =>
        CliRunner.AssertOneLineError(CliRunner.Run("pull", "not_a_model.tag"), 2, "unknown model 'not_a_model.tag'");

    [Fact]
    public void MissingNameExitsTwo() =>
        CliRunner.AssertOneLineError(CliRunner.Run("pull"), 2, "pull needs a model name");
}
