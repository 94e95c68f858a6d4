namespace MobileNets.Imaging.Png;

/// <summary>Reverses the five PNG scanline filters (PNG spec section 9) in place.</summary>
internal static class PngUnfilter
{
    /// <param name="filter">The filter-type byte that preceded the scanline.</param>
    /// <param name="row">The filtered scanline, replaced by the raw bytes.</param>
    /// <param name="prior">The previous raw scanline of the same pass (all zeros for its first row).</param>
    /// <param name="bpp">Bytes per complete pixel, at least 1.</param>
    public static void Apply(int filter, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        int n = row.Length;
        switch (filter)
        {
            case 0:
                return;
            case 1: // Sub
                for (int i = bpp; i < n; i++) row[i] += row[i - bpp];
                return;
            case 2: // Up
                for (int i = 0; i < n; i++) row[i] += prior[i];
                return;
            case 3: // Average
                for (int i = 0; i < bpp && i < n; i++) row[i] += (byte)(prior[i] >> 1);
                for (int i = bpp; i < n; i++) row[i] += (byte)((row[i - bpp] + prior[i]) >> 1);
                return;
            case 4: // Paeth
                for (int i = 0; i < bpp && i < n; i++) row[i] += prior[i];
                for (int i = bpp; i < n; i++) row[i] += Paeth(row[i - bpp], prior[i], prior[i - bpp]);
                return;
            default:
                throw new ImageFormatException($"PNG: invalid scanline filter type {filter}");
        }
    }

    private static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return (byte)a;
        return pb <= pc ? (byte)b : (byte)c;
    }
}
