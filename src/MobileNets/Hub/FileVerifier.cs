using System.Security.Cryptography;

namespace MobileNets.Hub;

/// <summary>Checks a downloaded file against what the catalog pins: size, full SHA-256, or torchvision's hash prefix.</summary>
internal static class FileVerifier
{
    /// <summary>
    /// The content's SHA-256 (lowercase hex, computed unless the size is already wrong) and null when it
    /// matches everything the catalog knows about the entry, else the one-line reason.
    /// </summary>
    public static async Task<(string? Digest, string? Mismatch)> CheckAsync(Stream content, ModelHubEntry entry, CancellationToken cancellationToken)
    {
        long length = content.Length;
        if (entry.Size is long size && length != size)
            return (null, $"size {length} bytes, expected {size}");

        content.Position = 0;
        string digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
        if (entry.Sha256 is string sha && !string.Equals(digest, sha, StringComparison.OrdinalIgnoreCase))
            return (digest, $"SHA-256 {digest}, expected {sha}");
        // torch.hub.check_hash: digest[:len(hash_prefix)] == hash_prefix
        if (entry.Sha256Prefix is string prefix && !digest.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            return (digest, $"SHA-256 {digest} does not start with {prefix}, the hash in torchvision's file name");
        return (digest, null);
    }
}
