namespace MobileNets;

/// <summary>
/// A weights or model file is malformed, truncated, unsupported, or does not fit the architecture.
/// The message is one line and names the offending tensor, field or limit.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception with a one-line reason.</summary>
    public ModelFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line reason and the underlying cause.</summary>
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
