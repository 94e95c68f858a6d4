using System.Text.Json;

namespace MobileNets.Tests.Cli;

/// <summary>Runs alone: the allocation count is process-wide, so tests running alongside would add theirs.</summary>
[CollectionDefinition(nameof(AllocationCountCollection), DisableParallelization = true)]
public sealed class AllocationCountCollection;

/// <summary>`mobilenets bench`: the JSON contract, zero allocations after warm-up, one-line usage errors.</summary>
[Collection(nameof(AllocationCountCollection))]
public class BenchCommandTests
{
    [Fact]
    public void JsonCarriesTheContractFieldsAndNoAllocations()
    {
        var r = CliRunner.Run("bench", "--arch", "mobilenet_v3_small", "--input-size", "64", "--threads", "2",
            "--iterations", "5", "--warmup", "1", "--json");
        Assert.Equal(0, r.ExitCode);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        Assert.Equal("mobilenet_v3_small", root.GetProperty("arch").GetString());
        Assert.Equal(2, root.GetProperty("threads").GetInt32());
        Assert.Equal(1, root.GetProperty("batch").GetInt32());
        double median = root.GetProperty("median_ms").GetDouble(), p90 = root.GetProperty("p90_ms").GetDouble(), min = root.GetProperty("min_ms").GetDouble();
        Assert.True(min > 0 && min <= median && median <= p90, $"min {min}, median {median}, p90 {p90}");
        Assert.Equal(0, root.GetProperty("allocated_bytes_per_run").GetInt64());
    }

    [Fact]
    public void UnknownArchitectureIsOneLineError() =>
        CliRunner.AssertOneLineError(CliRunner.Run("bench", "--arch", "mobilenet_v9"), 2);
}
