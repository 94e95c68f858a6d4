namespace MobileNets.Imaging.Jpeg;

/// <summary>
/// A canonical Huffman table from a DHT segment (ITU T.81 Annex C), with a 9-bit lookahead table
/// for short codes and libjpeg-style maxcode/valoffset arrays (jdhuff.c jpeg_make_d_derived_tbl) for the rest.
/// </summary>
internal sealed class HuffmanTable
{
    public const int LookaheadBits = 9;

    /// <summary>Indexed by the next 9 bits: (code length &lt;&lt; 8) | symbol, or 0 when the code is longer.</summary>
    public readonly ushort[] Fast = new ushort[1 << LookaheadBits];
    /// <summary>Largest code of each length 1..16, -1 when none (index 17 is a sentinel).</summary>
    public readonly int[] MaxCode = new int[18];
    /// <summary>Symbol index = code + ValOffset[length].</summary>
    public readonly int[] ValOffset = new int[17];
    public readonly byte[] Values;

    public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values, bool isDc)
    {
        Values = values.ToArray();
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len - 1];
            ValOffset[len] = k - code;
            if (n > 0)
            {
                code += n;
                MaxCode[len] = code - 1;
                k += n;
                // A code of length len must fit in len bits and leave room for longer codes (jdhuff.c check).
                if (code > (1 << len)) throw new ImageFormatException("JPEG: bad Huffman table (code lengths overflow)");
            }
            else MaxCode[len] = -1;
            code <<= 1;
        }
        MaxCode[17] = int.MaxValue;
        if (isDc)
            foreach (byte v in Values)
                if (v > 15) throw new ImageFormatException($"JPEG: bad DC Huffman table (symbol {v} > 15)");

        // Fill the lookahead table from the canonical codes.
        code = 0;
        k = 0;
        for (int len = 1; len <= LookaheadBits; len++, code <<= 1)
        {
            for (int i = 0; i < counts[len - 1]; i++, code++, k++)
            {
                int shift = LookaheadBits - len;
                int first = code << shift;
                ushort entry = (ushort)((len << 8) | Values[k]);
                for (int j = 0; j < 1 << shift; j++) Fast[first + j] = entry;
            }
        }
    }
}
