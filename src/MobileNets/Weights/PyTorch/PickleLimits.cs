namespace MobileNets.Weights.PyTorch;

/// <summary>
/// Caps that keep a hostile checkpoint from hanging the reader or exhausting memory. Every opcode
/// consumes at least one byte and pushes at most one value, so capping the pickle's size and the
/// number of values bounds both the time and the memory the unpickler can spend.
/// </summary>
internal static class PickleLimits
{
    /// <summary>A MobileNet state dict pickles to ~30 KB; even very large models stay under 2 MB.</summary>
    public const int MaxPickleBytes = 16 << 20;

    /// <summary>Values pushed on the stack over the whole pickle (~20 per tensor).</summary>
    public const int MaxValues = 2_000_000;

    /// <summary>Entries in the memo (BINPUT, LONG_BINPUT, MEMOIZE).</summary>
    public const int MaxMemoEntries = 1_000_000;

    /// <summary>Open MARKs at once: a state dict nests three or four deep.</summary>
    public const int MaxMarkDepth = 100;

    /// <summary>Length of a GLOBAL's module or name line.</summary>
    public const int MaxGlobalLine = 256;

    /// <summary>Bytes in a LONG1 integer (the legacy format's magic number needs 10).</summary>
    public const int MaxLongBytes = 16;

    /// <summary>Tensor rank.</summary>
    public const int MaxRank = 16;

    /// <summary>Entries in a checkpoint's zip archive.</summary>
    public const int MaxZipEntries = 100_000;

    /// <summary>Bytes of the zip central directory (~100 bytes per entry).</summary>
    public const int MaxCentralDirectoryBytes = 32 << 20;
}
