using MobileNets.Tests.Hardening;

namespace MobileNets.Tests.PyTorch;

/// <summary>
/// Seeded mutations of valid checkpoints through the shared <see cref="ByteMutator"/> (bit flips,
/// truncation, inflated fields, swapped, duplicated and dropped zip entries and pickle opcodes, the
/// pickle's CRC repaired) under the shared <see cref="FuzzRunner{TException}"/> contract: opening and
/// reading every tensor either succeeds or throws a one-line ModelFormatException, within 2 s, and
/// allocates no more than the file's size allows.
/// </summary>
public class CheckpointFuzzTests
{
    [Theory]
    [InlineData("views.pth", 1)]
    [InlineData("views_legacy.pth", 2)]
    [InlineData("wrapped.pth", 3)]
    public void MutatedCheckpointsOnlyEverFailWithModelFormatException(string file, int seed)
    {
        var original = File.ReadAllBytes(PyTorchFixtures.Path(file));
        var layout = CheckpointLayout.Of(original);
        Assert.True(layout.Chunks.Count >= 10, $"only {layout.Chunks.Count} chunks found, so little to swap");
        var mutator = new ByteMutator(original, layout);
        var stats = FuzzRunner<ModelFormatException>.Run(file, 400, seed, mutator.Mutate,
            ParserAttempts.Checkpoint, length => FuzzSettings.AllocationBound(length));
        Assert.True(stats.Refused > stats.Iterations / 4, $"only {stats.Refused} of {stats.Iterations} mutations were refused; the mutator is too gentle");
    }
}
