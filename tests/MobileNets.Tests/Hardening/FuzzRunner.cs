namespace MobileNets.Tests.Hardening;

/// <summary>What one fuzz run saw: how many inputs, how many refused, the slowest and the most allocating.</summary>
public sealed record FuzzStats(string Name, int Iterations, int Refused, TimeSpan Slowest, long MostAllocated);

/// <summary>
/// The contract every fuzz test enforces, in one place: for each seeded mutation, only
/// <typeparamref name="TException"/> may escape the parser, with a one-line message; the input is
/// settled within <see cref="FuzzSettings.PerInputLimit"/>; and it allocates less than the bound the
/// file's size and the configured limits allow (<c>GC.GetAllocatedBytesForCurrentThread</c> around the
/// attempt). A failing input is kept in a temporary file and the run stops, unless
/// <c>MOBILENETS_FUZZ_COLLECT=1</c> asks for every failure of the run.
/// </summary>
public static class FuzzRunner<TException> where TException : Exception
{
    /// <param name="name">Names the run in messages and in kept files (e.g. <c>png</c>, <c>views.pth</c>).</param>
    /// <param name="ciIterations">Iterations in CI; <c>MOBILENETS_FUZZ_ITERATIONS</c> overrides it.</param>
    /// <param name="seed">Seeds the mutations, so failures reproduce.</param>
    /// <param name="mutate">One mutated input and what was done to it.</param>
    /// <param name="attempt">Parses the input (and uses the result: reads every tensor, runs the model).</param>
    /// <param name="allocationBound">The most an attempt on a file of the given length may allocate.</param>
    public static FuzzStats Run(string name, int ciIterations, int seed, Func<Random, (byte[] Bytes, string What)> mutate,
        Action<byte[]> attempt, Func<long, long> allocationBound)
    {
        int iterations = FuzzSettings.Iterations(ciIterations);
        var random = new Random(seed);
        int refused = 0;
        var slowest = TimeSpan.Zero;
        long mostAllocated = 0;
        var failures = new List<string>();
        for (int i = 0; i < iterations; i++)
        {
            var (bytes, what) = mutate(random);
            long bound = allocationBound(bytes.Length);
            var (elapsed, allocated, error) = FuzzProbe.Attempt(attempt, bytes);
            if (elapsed >= FuzzSettings.PerInputLimit || allocated >= bound)
            {
                // Once in tens of thousands of runs the runtime itself (tiering, a GC pause on a shared
                // machine) lands inside one measurement. The input is deterministic: a second run shows
                // whether the cost is the input's.
                var again = FuzzProbe.Attempt(attempt, bytes);
                elapsed = elapsed < again.Elapsed ? elapsed : again.Elapsed;
                allocated = Math.Min(allocated, again.Allocated);
            }
            string where = $"{name} iteration {i} (seed {seed}, {what})";
            if (error is TException e)
            {
                refused++;
                if (e.Message.Contains('\n')) failures.Add($"{where}: message spans lines: {e.Message}");
            }
            else if (error != null)
                failures.Add($"{where} escaped as {error.GetType().Name}: {error.Message}; input kept at {Keep(name, bytes, i)}");
            if (elapsed >= FuzzSettings.PerInputLimit)
                failures.Add($"{where} took {elapsed}; input kept at {Keep(name, bytes, i)}");
            if (allocated >= bound)
                failures.Add($"{where} allocated {allocated} bytes for a {bytes.Length}-byte file (bound {bound}); input kept at {Keep(name, bytes, i)}");
            // Stop at the first failure unless asked to collect a whole run's worth (local triage).
            if (failures.Count > 0 && !FuzzSettings.CollectFailures) break;
            if (elapsed > slowest) slowest = elapsed;
            mostAllocated = Math.Max(mostAllocated, allocated);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var stats = new FuzzStats(name, iterations, refused, slowest, mostAllocated);
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz {stats}");
        return stats;
    }

    static string Keep(string name, byte[] bytes, int iteration)
    {
        string path = TestPaths.TempFile($"fuzz-{iteration}-{name}");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
