namespace MobileNets.Imaging.Jpeg;

/// <summary>The parameters of one SOS segment.</summary>
internal sealed class JpegScan
{
    public required JpegComponent[] Components { get; init; }
    /// <summary>Spectral selection start/end and successive approximation high/low (T.81 B.2.3).</summary>
    public int Ss, Se, Ah, Al;
}

/// <summary>
/// Huffman decoding of baseline and progressive scans into the components' coefficient arrays
/// (T.81 Annex F and G; the same algorithms as libjpeg's jdhuff.c and jdphuff.c).
/// </summary>
internal static class JpegScanDecoder
{
    /// <summary>
    /// Zigzag position -> natural position, with 16 extra entries pointing at 63 so a corrupt run
    /// length cannot index past the block (the same guard as libjpeg's jpeg_natural_order).
    /// </summary>
    private static readonly byte[] NaturalOrder =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    public static ReadOnlySpan<byte> ZigZagToNatural => NaturalOrder.AsSpan(0, 64);

    private enum Kind { Baseline, DcFirst, DcRefine, AcFirst, AcRefine }

    public static int Decode(ReadOnlySpan<byte> data, int pos, JpegFrame frame, JpegScan scan, int restartInterval)
    {
        var reader = new JpegBitReader(data, pos);
        Kind kind = !frame.Progressive ? Kind.Baseline
            : scan.Ss == 0 ? (scan.Ah == 0 ? Kind.DcFirst : Kind.DcRefine)
            : (scan.Ah == 0 ? Kind.AcFirst : Kind.AcRefine);
        foreach (var c in scan.Components) c.DcPred = 0;
        int eobrun = 0;

        bool single = scan.Components.Length == 1;
        JpegComponent first = scan.Components[0];
        long units = single ? (long)first.BlocksPerLine * first.BlocksPerColumn : (long)frame.McusX * frame.McusY;
        int untilRestart = restartInterval;
        for (long m = 0; m < units; m++)
        {
            if (restartInterval > 0)
            {
                if (untilRestart == 0)
                {
                    reader.Restart();
                    foreach (var c in scan.Components) c.DcPred = 0;
                    eobrun = 0;
                    untilRestart = restartInterval;
                }
                untilRestart--;
            }
            if (reader.Insufficient)
            {
                // Out of data: the rest of this restart interval stays as it is. Jump to the next
                // interval (or stop) instead of visiting every remaining MCU.
                if (restartInterval == 0) break;
                m += untilRestart;
                untilRestart = 0;
                continue;
            }
            if (single)
            {
                int bx = (int)(m % first.BlocksPerLine), by = (int)(m / first.BlocksPerLine);
                DecodeBlock(ref reader, kind, scan, first, first.Block(bx, by), ref eobrun);
            }
            else
            {
                int mx = (int)(m % frame.McusX), my = (int)(m / frame.McusX);
                foreach (var c in scan.Components)
                    for (int v = 0; v < c.V; v++)
                        for (int h = 0; h < c.H; h++)
                            DecodeBlock(ref reader, kind, scan, c, c.Block(mx * c.H + h, my * c.V + v), ref eobrun);
            }
            reader.CheckTruncation();
        }
        return reader.EndOfScan();
    }

    private static void DecodeBlock(ref JpegBitReader r, Kind kind, JpegScan scan, JpegComponent c, Span<short> block, ref int eobrun)
    {
        switch (kind)
        {
            case Kind.Baseline: DecodeBaseline(ref r, c, block); break;
            case Kind.DcFirst:
            {
                int t = r.Decode(c.DcTable!);
                c.DcPred += t == 0 ? 0 : r.ReceiveExtend(t);
                block[0] = (short)(c.DcPred << scan.Al);
                break;
            }
            case Kind.DcRefine:
                if (r.Bit() != 0) block[0] |= (short)(1 << scan.Al);
                break;
            case Kind.AcFirst: DecodeAcFirst(ref r, c.AcTable!, scan, block, ref eobrun); break;
            default: DecodeAcRefine(ref r, c.AcTable!, scan, block, ref eobrun); break;
        }
    }

    private static void DecodeBaseline(ref JpegBitReader r, JpegComponent c, Span<short> block)
    {
        int t = r.Decode(c.DcTable!);
        c.DcPred += t == 0 ? 0 : r.ReceiveExtend(t);
        block[0] = (short)c.DcPred;
        HuffmanTable ac = c.AcTable!;
        for (int k = 1; k < 64; k++)
        {
            int rs = r.Decode(ac);
            int s = rs & 15, run = rs >> 4;
            if (s != 0)
            {
                k += run;
                block[NaturalOrder[k]] = (short)r.ReceiveExtend(s);
            }
            else
            {
                if (run != 15) break;
                k += 15;
            }
        }
    }

    private static void DecodeAcFirst(ref JpegBitReader r, HuffmanTable ac, JpegScan scan, Span<short> block, ref int eobrun)
    {
        if (eobrun > 0)
        {
            eobrun--;
            return;
        }
        for (int k = scan.Ss; k <= scan.Se; k++)
        {
            int rs = r.Decode(ac);
            int s = rs & 15, run = rs >> 4;
            if (s != 0)
            {
                k += run;
                block[NaturalOrder[k]] = (short)(r.ReceiveExtend(s) * (1 << scan.Al));
            }
            else if (run == 15) k += 15;
            else
            {
                eobrun = 1 << run;
                if (run != 0) eobrun += r.Receive(run);
                eobrun--;
                break;
            }
        }
    }

    /// <summary>Successive-approximation refinement of AC coefficients (T.81 G.1.2.3; jdphuff.c decode_mcu_AC_refine).</summary>
    private static void DecodeAcRefine(ref JpegBitReader r, HuffmanTable ac, JpegScan scan, Span<short> block, ref int eobrun)
    {
        int p1 = 1 << scan.Al, m1 = -1 << scan.Al;
        int k = scan.Ss, se = scan.Se;
        if (eobrun == 0)
        {
            for (; k <= se; k++)
            {
                int rs = r.Decode(ac);
                int s = rs & 15, run = rs >> 4;
                if (s != 0)
                    s = r.Bit() != 0 ? p1 : m1; // s should be 1; corrupt values are treated as 1 like libjpeg
                else if (run != 15)
                {
                    eobrun = 1 << run;
                    if (run != 0) eobrun += r.Receive(run);
                    break;
                }
                // Advance over already-nonzero coefficients (refining them) and `run` zero ones.
                do
                {
                    int z = NaturalOrder[k];
                    int coef = block[z];
                    if (coef != 0)
                    {
                        if (r.Bit() != 0 && (coef & p1) == 0)
                            block[z] = (short)(coef >= 0 ? coef + p1 : coef + m1);
                    }
                    else if (--run < 0) break;
                    k++;
                } while (k <= se);
                if (s != 0) block[NaturalOrder[k]] = (short)s;
            }
        }
        if (eobrun > 0)
        {
            // The rest of the band is in an end-of-band run: only refine the nonzero coefficients.
            for (; k <= se; k++)
            {
                int z = NaturalOrder[k];
                int coef = block[z];
                if (coef != 0 && r.Bit() != 0 && (coef & p1) == 0)
                    block[z] = (short)(coef >= 0 ? coef + p1 : coef + m1);
            }
            eobrun--;
        }
    }
}
