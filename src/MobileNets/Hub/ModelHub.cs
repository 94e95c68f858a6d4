namespace MobileNets.Hub;

/// <summary>
/// Published MobileNet weights by name, with a verified download cache. <c>Resolve</c> turns
/// a path or a catalog name (<c>mobilenetv3_large_100.ra_in1k</c>, <c>mobilenet_v3_large.IMAGENET1K_V2</c>,
/// <c>mobilenet_v2_1.0_224_quant</c>, or a bare architecture for its default weights) into a local
/// file, downloading it into <see cref="CacheDirectory"/> the first time. Downloads go through a
/// temporary file, are checked against the catalog's size and SHA-256 (or, where those could not be
/// recorded offline, its size, torchvision's hash prefix and the server's Content-Length) and are
/// renamed into place only when they pass; an interrupted download resumes on the next call.
/// Entries without a pinned SHA-256 (<see cref="ModelHubEntry.IsHashPinned"/>) are trusted on first
/// use: the first download's SHA-256 is recorded beside the cached file (<c>FILE.sha256</c>) and a later
/// download with another hash is deleted and refused. A cached file is not hashed again when it is used.
/// </summary>
public static class ModelHub
{
    /// <summary>Lets tests substitute a catalog per async flow, so parallel tests do not interfere.</summary>
    internal static readonly AsyncLocal<IReadOnlyList<ModelHubEntry>?> CatalogOverride = new();

    /// <summary>Every entry the hub can download, in catalog order.</summary>
    public static IReadOnlyList<ModelHubEntry> Catalog => CatalogOverride.Value ?? ModelCatalog.Entries;

    /// <summary>
    /// The cache: <c>MOBILENETS_HOME</c> when set, else <c>$XDG_CACHE_HOME/mobilenets</c> or
    /// <c>~/.cache/mobilenets</c> (<c>%LOCALAPPDATA%\mobilenets</c> on Windows). Read on every access.
    /// </summary>
    public static string CacheDirectory => CacheLocation.Default(Environment.GetEnvironmentVariable);

    /// <summary>The entry with this name (case-insensitive); a bare architecture id or <c>ARCH.DEFAULT</c> gives its default weights.</summary>
    /// <param name="name">A catalog name or alias.</param>
    /// <param name="entry">The entry, when found.</param>
    /// <returns>Whether the name is in the catalog.</returns>
    public static bool TryFind(string name, out ModelHubEntry entry)
    {
        ArgumentNullException.ThrowIfNull(name);
        var catalog = Catalog;
        entry = catalog.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))!;
        if (entry == null && ModelCatalog.Defaults.TryGetValue(name, out var tag))
            entry = catalog.FirstOrDefault(e => string.Equals(e.Name, tag, StringComparison.Ordinal))!;
        return entry != null;
    }

    /// <summary>The entry with this name.</summary>
    /// <param name="name">A catalog name or alias.</param>
    /// <returns>The catalog entry.</returns>
    /// <exception cref="ArgumentException">The name is not in the catalog (the message suggests near names).</exception>
    public static ModelHubEntry Find(string name)
    {
        if (TryFind(name, out var entry)) return entry;
        var near = Catalog.Select(e => e.Name)
            .Where(n => n.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(n.Split('.')[0], StringComparison.OrdinalIgnoreCase))
            .Take(5).ToList();
        throw new ArgumentException(
            $"unknown model '{name}'{(near.Count > 0 ? $" (did you mean {string.Join(", ", near)}?)" : $" ({Catalog.Count} names in the catalog, e.g. {string.Join(", ", Catalog.Take(3).Select(e => e.Name))})")}");
    }

    /// <summary>Where the entry's file is (or will be) in <see cref="CacheDirectory"/>.</summary>
    /// <param name="entry">A catalog entry.</param>
    /// <returns>The absolute path of the cached file.</returns>
    public static string CachePath(ModelHubEntry entry) => CacheLocation.FileOf(entry, CacheDirectory);

    /// <summary>
    /// A local path for <paramref name="nameOrPath"/>: the path itself when it names an existing file,
    /// else the cached file of the catalog entry of that name, downloaded first if needed (blocking).
    /// </summary>
    /// <param name="nameOrPath">A file path or a catalog name.</param>
    /// <param name="progress">Receives download progress, if a download happens.</param>
    /// <param name="cancellationToken">Cancels a download; the partial file is kept for resuming.</param>
    /// <returns>The absolute path of a local file.</returns>
    /// <exception cref="ArgumentException">Neither an existing file nor a catalog name.</exception>
    /// <exception cref="ModelDownloadException">The download failed or did not verify.</exception>
    public static string Resolve(string nameOrPath, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Resolve(nameOrPath, CacheDirectory, progress, cancellationToken);

    internal static string Resolve(string nameOrPath, string cacheDirectory, IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken, HttpClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        if (!TryFind(nameOrPath, out var entry))
        {
            if (LooksLikePath(nameOrPath)) throw new FileNotFoundException($"model file '{nameOrPath}' does not exist", nameOrPath);
            Find(nameOrPath); // throws with suggestions
        }
        return HubDownloader.DownloadAsync(entry, cacheDirectory, force: false, progress, cancellationToken, client).GetAwaiter().GetResult();
    }

    /// <summary>Downloads the named entry into the cache unless it is already there, and returns its path.</summary>
    /// <param name="name">A catalog name or alias.</param>
    /// <param name="progress">Receives download progress.</param>
    /// <param name="cancellationToken">Cancels the download promptly; the partial file is kept for resuming.</param>
    /// <returns>The absolute path of the verified cached file.</returns>
    /// <exception cref="ArgumentException">The name is not in the catalog.</exception>
    /// <exception cref="ModelDownloadException">The download failed or did not verify.</exception>
    public static Task<string> DownloadAsync(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(name, force: false, progress, cancellationToken);

    /// <summary>Downloads the named entry into the cache, again if <paramref name="force"/> even when already cached, and returns its path.</summary>
    /// <param name="name">A catalog name or alias.</param>
    /// <param name="force">Download again even if the file is cached.</param>
    /// <param name="progress">Receives download progress.</param>
    /// <param name="cancellationToken">Cancels the download promptly; the partial file is kept for resuming.</param>
    /// <returns>The absolute path of the verified cached file.</returns>
    /// <exception cref="ArgumentException">The name is not in the catalog.</exception>
    /// <exception cref="ModelDownloadException">The download failed or did not verify.</exception>
    public static Task<string> DownloadAsync(string name, bool force, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        HubDownloader.DownloadAsync(Find(name), CacheDirectory, force, progress, cancellationToken);

    internal static Task<string> DownloadAsync(ModelHubEntry entry, string cacheDirectory, bool force,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken, HttpClient? client = null) =>
        HubDownloader.DownloadAsync(entry, cacheDirectory, force, progress, cancellationToken, client);

    static bool LooksLikePath(string s) =>
        s.Contains('/') || s.Contains('\\') || Path.HasExtension(s) && Path.GetExtension(s) is ".pth" or ".pt" or ".safetensors" or ".tflite";
}
