namespace MobileNets.Hub;

/// <summary>
/// Trust on first use for catalog entries without a pinned SHA-256 (timm's Hugging Face files, served
/// from the unpinned <c>main</c> revision; torchvision's files, pinned only by the 8-digit hash prefix in
/// their names; TFLite files whose hash could not be recorded offline). The SHA-256 of the first
/// download that passes the catalog's other checks is written beside the cached file as
/// <c>FILE.sha256</c> (<c>sha256sum</c> format); every later download of that entry into the same cache
/// (<c>--force</c>, or after the file was deleted) must have the same hash, or it is deleted and refused.
/// Deleting the record accepts whatever the next download brings. Entries with a pinned hash get no record.
/// </summary>
internal static class RecordedHash
{
    /// <summary>The record beside a cached file.</summary>
    public static string PathOf(string cachedFile) => cachedFile + ".sha256";

    /// <summary>The recorded SHA-256 (lowercase hex) of the entry cached at <paramref name="cachedFile"/>, or null when none was recorded.</summary>
    public static string? Read(string cachedFile)
    {
        string path = PathOf(cachedFile);
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path).Trim();
        int space = text.IndexOf(' ');
        string digest = (space < 0 ? text : text[..space]).ToLowerInvariant();
        return digest.Length == 64 && digest.All(Uri.IsHexDigit) ? digest
            : throw new ModelDownloadException($"the hash record {path} is not a SHA-256 line; delete it to record the next download's hash");
    }

    /// <summary>Null when <paramref name="digest"/> agrees with the record (or there is none), else the one-line reason.</summary>
    public static string? Mismatch(string cachedFile, string digest)
    {
        string? recorded = Read(cachedFile);
        return recorded == null || string.Equals(recorded, digest, StringComparison.OrdinalIgnoreCase) ? null
            : $"SHA-256 {digest}, but the first download into this cache had {recorded} (recorded in {PathOf(cachedFile)}; " +
              "the published file changed or was altered; delete that record to accept the new file)";
    }

    /// <summary>Records <paramref name="digest"/> for the file cached at <paramref name="cachedFile"/> unless a record exists.</summary>
    public static void RecordIfAbsent(string cachedFile, string digest)
    {
        string path = PathOf(cachedFile);
        if (File.Exists(path)) return;
        string temporary = path + ".partial";
        File.WriteAllText(temporary, $"{digest}  {Path.GetFileName(cachedFile)}\n");
        File.Move(temporary, path, overwrite: true);
    }
}
