namespace MobileNets;

/// <summary>
/// An image file is malformed, truncated, unsupported, or exceeds a decoding limit.
/// The message is one line and names the offending format, field or limit.
/// </summary>
public sealed class ImageFormatException : Exception
{
    /// <summary>Creates the exception with a one-line reason.</summary>
    public ImageFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line reason and the underlying cause.</summary>
    public ImageFormatException(string message, Exception inner) : base(message, inner) { }
}
