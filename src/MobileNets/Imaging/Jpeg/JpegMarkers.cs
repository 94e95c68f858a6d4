namespace MobileNets.Imaging.Jpeg;

/// <summary>Marker codes (ITU T.81 Table B.1) and marker search.</summary>
internal static class JpegMarkers
{
    public const int SOF0 = 0xC0, SOF1 = 0xC1, SOF2 = 0xC2, DHT = 0xC4, DAC = 0xCC,
        RST0 = 0xD0, RST7 = 0xD7, SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, DQT = 0xDB, DNL = 0xDC, DRI = 0xDD,
        APP0 = 0xE0, APP1 = 0xE1, APP14 = 0xEE, APP15 = 0xEF, COM = 0xFE;

    /// <summary>
    /// Offset of the next marker's first 0xFF at or after <paramref name="pos"/>, skipping entropy data,
    /// stuffed 0xFF00 pairs and 0xFF fill bytes; the data length when there is none.
    /// </summary>
    public static int FindMarker(ReadOnlySpan<byte> d, int pos)
    {
        while (pos < d.Length)
        {
            int ff = d[pos..].IndexOf((byte)0xFF);
            if (ff < 0) return d.Length;
            pos += ff;
            int q = pos + 1;
            while (q < d.Length && d[q] == 0xFF) q++;
            if (q >= d.Length) return d.Length;
            if (d[q] != 0) return pos;
            pos = q + 1;
        }
        return d.Length;
    }

    /// <summary>A short name for error messages.</summary>
    public static string Describe(int m) => m switch
    {
        0xC3 => "SOF3 (lossless)",
        0xC5 or 0xC6 or 0xC7 => $"SOF{m - 0xC0} (hierarchical)",
        0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF => $"SOF{m - 0xC0} (arithmetic coding)",
        DAC => "DAC (arithmetic coding)",
        _ => $"0xFF{m:X2}",
    };
}
