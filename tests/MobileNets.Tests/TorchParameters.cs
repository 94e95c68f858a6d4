using MobileNets.Weights;

namespace MobileNets.Tests;

/// <summary>The reference parameter count of a converted weights file, computed from the file itself.</summary>
internal static class TorchParameters
{
    /// <summary>What torch's <c>parameters()</c> counts: every tensor but BatchNorm's running statistics.</summary>
    public static long Count(string weights)
    {
        using var file = SafeTensorsFile.Open(weights);
        return file.Tensors.Where(t => !t.Name.EndsWith(".running_mean", StringComparison.Ordinal)
            && !t.Name.EndsWith(".running_var", StringComparison.Ordinal) && !t.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            .Sum(t => t.ElementCount);
    }
}
