using MobileNets.Models;
using MobileNets.Tests.Models;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// Seeded mutations of a valid safetensors fixture, through the reader alone and through a full
/// model load, under the shared <see cref="FuzzRunner{TException}"/> contract: only
/// <see cref="ModelFormatException"/> (one line) may escape, every input is settled within 2 s and no
/// attempt allocates more than the file's size allows.
/// </summary>
public class SafeTensorsFuzzTests
{
    // The smallest classifier fixture (127 KB, 164 tensors, F16): many iterations stay cheap.
    const string Fixture = "mobilenetv1_125.safetensors";

    static byte[] Original() => File.ReadAllBytes(Path.Combine(ClassifierFixtures.Folder, Fixture));

    [Fact]
    public void ReaderOnlyEverFailsWithModelFormatException()
    {
        var mutator = new SafeTensorsMutator(Original());
        var stats = FuzzRunner<ModelFormatException>.Run("reader.safetensors", 1000, seed: 11, mutator.Mutate,
            ParserAttempts.SafeTensors, length => FuzzSettings.AllocationBound(length));
        // A mutator that rarely breaks anything would prove nothing about the checks.
        Assert.True(stats.Refused > stats.Iterations / 3, $"only {stats.Refused} of {stats.Iterations} refused");
    }

    [Fact]
    public void ModelLoadOnlyEverFailsWithModelFormatException()
    {
        var mutator = new SafeTensorsMutator(Original());
        string path = TestPaths.TempFile(Fixture);
        var stats = FuzzRunner<ModelFormatException>.Run("model.safetensors", 1000, seed: 12, mutator.Mutate, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            // Architecture and width given, as `--arch/--width` do: metadata then decides nothing
            // (width inference builds up to ~25 MB of candidate specs whatever the file's size).
            ClassifierModel.Load(path, "mobilenetv1_125", 0.075).Network.Dispose();
        }, length => FuzzSettings.AllocationBound(length));
        Assert.True(stats.Refused > stats.Iterations / 2, $"only {stats.Refused} of {stats.Iterations} refused");
    }
}
