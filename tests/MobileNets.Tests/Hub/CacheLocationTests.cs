using MobileNets.Hub;

namespace MobileNets.Tests.Hub;

/// <summary>Where the cache lives, from a fake environment (the process environment is never changed).</summary>
public class CacheLocationTests
{
    static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void MobilenetsHomeWins() =>
        Assert.Equal(Path.GetFullPath("/srv/models"), CacheLocation.Default(Env(("MOBILENETS_HOME", "/srv/models"), ("XDG_CACHE_HOME", "/x"))));

    [Fact]
    public void XdgCacheHomeIsUsedWhenAbsolute()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("Windows uses LocalApplicationData");
        Assert.Equal("/xdg/cache/mobilenets", CacheLocation.Default(Env(("XDG_CACHE_HOME", "/xdg/cache"))));
    }

    [Fact]
    public void RelativeXdgCacheHomeIsIgnoredForDotCache()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("Windows uses LocalApplicationData");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "mobilenets"), CacheLocation.Default(Env(("XDG_CACHE_HOME", "relative"))));
    }

    [Fact]
    public void ProgressBarShowsPercentAndMegabytes()
    {
        Assert.Equal("m [###############...............]  50% 1.0/2.0 MB", TerminalProgressBar.Format(new DownloadProgress(1 << 20, 2 << 20), "m"));
        Assert.Equal("m 3.0 MB", TerminalProgressBar.Format(new DownloadProgress(3 << 20, null), "m"));
    }

    [Fact]
    public void ProgressBarDrawsInPlaceAndEndsItsLine()
    {
        var output = new StringWriter();
        using (var bar = new TerminalProgressBar(output, "m"))
        {
            bar.Report(new DownloadProgress(0, 100));
            bar.Report(new DownloadProgress(100, 100));
        }
        Assert.StartsWith("\rm [", output.ToString());
        Assert.Contains("100%", output.ToString());
        Assert.EndsWith(Environment.NewLine, output.ToString());
    }
}
