namespace MobileNets.Hub;

/// <summary>
/// Where downloaded weights live: <c>MOBILENETS_HOME</c> when set, else the user's cache directory
/// (<c>%LOCALAPPDATA%\mobilenets</c> on Windows, <c>$XDG_CACHE_HOME/mobilenets</c> or
/// <c>~/.cache/mobilenets</c> elsewhere), as the XDG base-directory spec asks.
/// </summary>
internal static class CacheLocation
{
    public const string HomeVariable = "MOBILENETS_HOME";

    public static string Default(Func<string, string?> getEnvironment)
    {
        var home = getEnvironment(HomeVariable);
        if (!string.IsNullOrWhiteSpace(home)) return Path.GetFullPath(home);
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "mobilenets");
        // The spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        var xdg = getEnvironment("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "mobilenets");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mobilenets");
    }

    /// <summary>The entry's file in <paramref name="cacheDirectory"/>.</summary>
    public static string FileOf(ModelHubEntry entry, string cacheDirectory) => Path.Combine(cacheDirectory, entry.FileName);

    /// <summary>The in-progress download beside it: same directory, so the final move is an atomic rename.</summary>
    public static string PartialOf(string finalPath) => finalPath + ".partial";
}
