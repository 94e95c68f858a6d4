using System.Diagnostics;
using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.PyTorch;

/// <summary>
/// Seeded mutations of valid checkpoints (bit flips, byte overwrites, truncation, inflated
/// length fields): opening and reading every tensor either succeeds or throws
/// ModelFormatException, never anything else, and each input takes well under 2 s.
/// </summary>
public class CheckpointFuzzTests
{
    const int MutationsPerFile = 400;

    [Theory]
    [InlineData("views.pth", 1)]
    [InlineData("views_legacy.pth", 2)]
    [InlineData("wrapped.pth", 3)]
    public void MutatedCheckpointsOnlyEverFailWithModelFormatException(string file, int seed)
    {
        var original = File.ReadAllBytes(PyTorchFixtures.Path(file));
        var random = new Random(seed);
        int refused = 0;
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < MutationsPerFile; i++)
        {
            var mutated = Mutate(original, random);
            var clock = Stopwatch.StartNew();
            try
            {
                using var pth = PyTorchCheckpoint.Open(new MemoryStream(mutated), file);
                foreach (var name in pth.Names) pth.ReadFloat32(name);
            }
            catch (ModelFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} of {file} (seed {seed}) escaped as {e.GetType().Name}: {e.Message}");
            }
            if (clock.Elapsed > slowest) slowest = clock.Elapsed;
        }
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest input took {slowest}");
        Assert.True(refused > MutationsPerFile / 4, $"only {refused} of {MutationsPerFile} mutations were refused; the mutator is too gentle");
    }

    static byte[] Mutate(byte[] original, Random random)
    {
        var b = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0: // flip a few bits
                for (int k = random.Next(1, 4); k > 0; k--) b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                return b;
            case 1: // overwrite a byte with an interesting value
                b[random.Next(b.Length)] = (byte)(random.Next(2) == 0 ? 0xff : random.Next(256));
                return b;
            case 2: // truncate
                return b[..random.Next(b.Length)];
            case 3: // inflate a 4-byte length field somewhere (BINUNICODE, zip sizes, offsets)
            {
                int at = random.Next(b.Length - 4);
                BitConverter.TryWriteBytes(b.AsSpan(at, 4), random.Next(2) == 0 ? int.MaxValue : random.Next());
                return b;
            }
            default: // inflate an 8-byte field (legacy element counts, ZIP64 sizes, FRAME)
            {
                int at = random.Next(b.Length - 8);
                BitConverter.TryWriteBytes(b.AsSpan(at, 8), random.NextInt64());
                return b;
            }
        }
    }
}
