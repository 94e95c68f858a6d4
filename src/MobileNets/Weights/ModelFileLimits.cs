namespace MobileNets;

/// <summary>
/// Caps on what a model file may make the readers spend: safetensors, PyTorch <c>.pth</c>/<c>.pt</c>
/// and TFLite. Each is checked before the memory it guards is allocated; a file over a limit is
/// refused with a <see cref="ModelFormatException"/> whose one-line message names the limit
/// (e.g. <c>... 165 tensors, over the MaxTensors limit of 100</c>). The defaults admit every
/// published MobileNet with a wide margin; raise one only for files you trust.
/// </summary>
/// <example>
/// <code>
/// var options = new ClassifierOptions { Limits = ModelFileLimits.Default with { MaxTensors = 500_000 } };
/// </code>
/// </example>
public sealed record ModelFileLimits
{
    /// <summary>The defaults listed on each property.</summary>
    public static ModelFileLimits Default { get; } = new();

    /// <summary>
    /// Tensors one file may declare: safetensors header entries; tensors rebuilt and storages loaded
    /// by a <c>.pth</c> pickle; TFLite tensors over all subgraphs. Checked as each is met, before its
    /// own structures are allocated. Default 100,000 (a MobileNet has 100-400).
    /// </summary>
    public int MaxTensors { get; init => field = Positive(value); } = 100_000;

    /// <summary>Bytes of a safetensors JSON header. Default 100,000,000, the format's own cap.</summary>
    public long MaxSafeTensorsHeaderBytes { get; init => field = Positive(value); } = 100_000_000;

    /// <summary>
    /// Bytes of a PyTorch pickle: the <c>data.pkl</c> entry of a zip checkpoint, or the leading pickles of
    /// a legacy one. Default 16 MiB (a MobileNet state dict pickles to about 30 KB).
    /// </summary>
    public int MaxPickleBytes { get; init => field = Positive(value); } = 16 << 20;

    /// <summary>
    /// Values a pickle may push over its whole run (about 20 per tensor). With <see cref="MaxPickleBytes"/>
    /// this bounds the unpickler's time and memory. Default 2,000,000.
    /// </summary>
    public int MaxPickleValues { get; init => field = Positive(value); } = 2_000_000;

    /// <summary>Memo entries a pickle may store (BINPUT, LONG_BINPUT, MEMOIZE). Default 1,000,000.</summary>
    public int MaxPickleMemoEntries { get; init => field = Positive(value); } = 1_000_000;

    /// <summary>MARKs a pickle may hold open at once (a state dict nests three or four). Default 100.</summary>
    public int MaxPickleMarkDepth { get; init => field = Positive(value); } = 100;

    /// <summary>Entries of a zip checkpoint's central directory. Default 100,000.</summary>
    public int MaxZipEntries { get; init => field = Positive(value); } = 100_000;

    /// <summary>Bytes of a zip checkpoint's central directory (about 100 per entry). Default 32 MiB.</summary>
    public int MaxZipDirectoryBytes { get; init => field = Positive(value); } = 32 << 20;

    /// <summary>
    /// Bytes of activation tensors one TFLite inference may need (every non-constant tensor of the
    /// executed subgraph). Checked at load, before any inference allocates them. Default 1 GiB.
    /// </summary>
    public long MaxActivationBytes { get; init => field = Positive(value); } = 1L << 30;

    static T Positive<T>(T value) where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a limit must be positive");
}
