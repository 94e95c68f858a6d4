namespace MobileNets.Weights.PyTorch;

/// <summary>
/// The unpickler's fixed syntax caps. They bound a single opcode or shape, not the memory a file can
/// make the reader spend, and no state dict comes near them, so they are constants. The
/// resource caps (pickle bytes, values, memo entries, open MARKs, zip entries and directory bytes,
/// tensors) are settable through <see cref="ModelFileLimits"/>.
/// </summary>
internal static class PickleLimits
{
    /// <summary>Length of a GLOBAL's module or name line (the longest admitted global is under 50).</summary>
    public const int MaxGlobalLine = 256;

    /// <summary>Bytes in a LONG1 integer (the legacy format's magic number needs 10).</summary>
    public const int MaxLongBytes = 16;

    /// <summary>Tensor rank.</summary>
    public const int MaxRank = 16;
}
