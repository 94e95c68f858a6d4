namespace MobileNets.Kernels;

/// <summary>A shared run of zeros that kernels point padding taps at (grown on demand, never written).</summary>
internal static class ZeroRow
{
    static float[] _zeros = GC.AllocateArray<float>(1024, pinned: true);

    public static float[] Get(int length)
    {
        var z = _zeros;
        if (z.Length < length) _zeros = z = GC.AllocateArray<float>(Math.Max(length, 2 * z.Length), pinned: true);
        return z;
    }
}
