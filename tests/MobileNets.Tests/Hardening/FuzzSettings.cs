namespace MobileNets.Tests.Hardening;

/// <summary>
/// How much the fuzz tests run and what they allow: a bounded count of mutations in CI, more for
/// local runs through <c>MOBILENETS_FUZZ_ITERATIONS</c> (e.g. 100000 for a soak of the parsers), which
/// every fuzzer honours through <see cref="FuzzRunner{TException}"/>.
/// </summary>
public static class FuzzSettings
{
    public const string IterationsVariable = "MOBILENETS_FUZZ_ITERATIONS";

    /// <summary>Set <c>MOBILENETS_FUZZ_COLLECT=1</c> to run all iterations and report every failing input at the end.</summary>
    public static bool CollectFailures => Environment.GetEnvironmentVariable("MOBILENETS_FUZZ_COLLECT") == "1";

    public static int Iterations(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), out int n) && n > 0 ? n : ciDefault;

    /// <summary>No single input may take longer than this to be accepted or refused.</summary>
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most a parser may allocate for a file of <paramref name="fileLength"/> bytes: the raw bytes,
    /// their float32 widening (2x for F16) and the bound network's copies, plus
    /// <paramref name="limitBytes"/>, what the configured limits let a valid file of any size need
    /// beyond its own bytes (decoded pixels, TFLite activations), plus 1 MB of fixed overhead (header
    /// structures, architecture spec, layer objects).
    /// </summary>
    public static long AllocationBound(long fileLength, long limitBytes = 0) => 4 * fileLength + limitBytes + (1 << 20);
}
