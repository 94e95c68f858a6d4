namespace MobileNets.Hub;

/// <summary>
/// A model file could not be downloaded (unreachable server, HTTP error, interrupted transfer) or
/// failed verification (size or SHA-256 mismatch). The message is one line naming the URL and,
/// where useful, the exact cache path to place the file at by hand.
/// </summary>
public sealed class ModelDownloadException : IOException
{
    /// <summary>Creates the exception with a one-line reason.</summary>
    public ModelDownloadException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line reason and the underlying cause.</summary>
    public ModelDownloadException(string message, Exception inner) : base(message, inner) { }
}
