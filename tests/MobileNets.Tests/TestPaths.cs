namespace MobileNets.Tests;

/// <summary>Where fixtures and the shared data live, seen from the test binaries.</summary>
public static class TestPaths
{
    public static string Fixtures(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    /// <summary>The repository root: the first ancestor holding MobileNets.sln.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MobileNets.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MobileNets.sln not found above the test binaries");
    }

    /// <summary>../shared/data beside the checkout, or null when absent (tests then skip with a reason).</summary>
    public static string? SharedData()
    {
        var path = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "data"));
        return Directory.Exists(path) ? path : null;
    }

    public static string TempFile(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mobilenets-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
