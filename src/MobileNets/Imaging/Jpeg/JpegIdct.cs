namespace MobileNets.Imaging.Jpeg;

/// <summary>
/// The accurate integer inverse DCT of libjpeg's jidctint.c (jpeg_idct_islow, the JDCT_ISLOW
/// default PIL decodes with): the Loeffler-Ligtenberg-Moschytz algorithm with 13-bit fixed-point
/// constants, PASS1_BITS = 2 of extra precision between the column and row passes. Output is
/// level-shifted by +128 and clamped to 0..255 (the SIMD builds PIL ships saturate rather than use
/// the C code's wrap-around range-limit table; both agree for any value a valid stream produces).
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13, Pass1Bits = 2;
    // FIX(x) = round(x * 2^13), the values jidctint.c hard-codes for CONST_BITS == 13.
    private const int Fix0_298631336 = 2446, Fix0_390180644 = 3196, Fix0_541196100 = 4433,
        Fix0_765366865 = 6270, Fix0_899976223 = 7373, Fix1_175875602 = 9633, Fix1_501321110 = 12299,
        Fix1_847759065 = 15137, Fix1_961570560 = 16069, Fix2_053119869 = 16819, Fix2_562915447 = 20995,
        Fix3_072711026 = 25172;

    /// <param name="coef">64 quantized coefficients in natural order.</param>
    /// <param name="quant">64 quantization steps in natural order.</param>
    /// <param name="output">Receives 8 rows of 8 samples.</param>
    /// <param name="stride">Distance between output rows.</param>
    public static void Islow(ReadOnlySpan<short> coef, ReadOnlySpan<ushort> quant, Span<byte> output, int stride)
    {
        Span<int> ws = stackalloc int[64];
        coef = coef[..64];
        quant = quant[..64];

        // Pass 1: columns from input into the work array, scaled up by 2^PASS1_BITS.
        for (int col = 0; col < 8; col++)
        {
            if (coef[8 + col] == 0 && coef[16 + col] == 0 && coef[24 + col] == 0 && coef[32 + col] == 0
                && coef[40 + col] == 0 && coef[48 + col] == 0 && coef[56 + col] == 0)
            {
                // AC terms all zero: the column is constant.
                int dc = coef[col] * quant[col] << Pass1Bits;
                for (int row = 0; row < 8; row++) ws[row * 8 + col] = dc;
                continue;
            }
            // Even part.
            int z2 = coef[16 + col] * quant[16 + col];
            int z3 = coef[48 + col] * quant[48 + col];
            int z1 = (z2 + z3) * Fix0_541196100;
            int tmp2 = z1 + z3 * -Fix1_847759065;
            int tmp3 = z1 + z2 * Fix0_765366865;
            z2 = coef[col] * quant[col];
            z3 = coef[32 + col] * quant[32 + col];
            int tmp0 = (z2 + z3) << ConstBits;
            int tmp1 = (z2 - z3) << ConstBits;
            int tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

            // Odd part.
            tmp0 = coef[56 + col] * quant[56 + col];
            tmp1 = coef[40 + col] * quant[40 + col];
            tmp2 = coef[24 + col] * quant[24 + col];
            tmp3 = coef[8 + col] * quant[8 + col];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            const int shift = ConstBits - Pass1Bits, round = 1 << (shift - 1);
            ws[col] = (tmp10 + tmp3 + round) >> shift;
            ws[56 + col] = (tmp10 - tmp3 + round) >> shift;
            ws[8 + col] = (tmp11 + tmp2 + round) >> shift;
            ws[48 + col] = (tmp11 - tmp2 + round) >> shift;
            ws[16 + col] = (tmp12 + tmp1 + round) >> shift;
            ws[40 + col] = (tmp12 - tmp1 + round) >> shift;
            ws[24 + col] = (tmp13 + tmp0 + round) >> shift;
            ws[32 + col] = (tmp13 - tmp0 + round) >> shift;
        }

        // Pass 2: rows from the work array to the output, removing PASS1_BITS and the 2^3 DCT gain.
        for (int row = 0; row < 8; row++)
        {
            Span<int> w = ws.Slice(row * 8, 8);
            Span<byte> o = output.Slice(row * stride, 8);
            int z2 = w[2], z3 = w[6];
            int z1 = (z2 + z3) * Fix0_541196100;
            int tmp2 = z1 + z3 * -Fix1_847759065;
            int tmp3 = z1 + z2 * Fix0_765366865;
            int tmp0 = (w[0] + w[4]) << ConstBits;
            int tmp1 = (w[0] - w[4]) << ConstBits;
            int tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

            tmp0 = w[7];
            tmp1 = w[5];
            tmp2 = w[3];
            tmp3 = w[1];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            const int shift = ConstBits + Pass1Bits + 3, round = 1 << (shift - 1);
            o[0] = Clamp((tmp10 + tmp3 + round) >> shift);
            o[7] = Clamp((tmp10 - tmp3 + round) >> shift);
            o[1] = Clamp((tmp11 + tmp2 + round) >> shift);
            o[6] = Clamp((tmp11 - tmp2 + round) >> shift);
            o[2] = Clamp((tmp12 + tmp1 + round) >> shift);
            o[5] = Clamp((tmp12 - tmp1 + round) >> shift);
            o[3] = Clamp((tmp13 + tmp0 + round) >> shift);
            o[4] = Clamp((tmp13 - tmp0 + round) >> shift);
        }
    }

    /// <summary>The odd half of jidctint.c: in tmp0..tmp3 = inputs 7, 5, 3, 1; out the four odd-part terms.</summary>
    private static void Odd(ref int tmp0, ref int tmp1, ref int tmp2, ref int tmp3)
    {
        int z1 = tmp0 + tmp3, z2 = tmp1 + tmp2, z3 = tmp0 + tmp2, z4 = tmp1 + tmp3;
        int z5 = (z3 + z4) * Fix1_175875602;
        tmp0 *= Fix0_298631336;
        tmp1 *= Fix2_053119869;
        tmp2 *= Fix3_072711026;
        tmp3 *= Fix1_501321110;
        z1 *= -Fix0_899976223;
        z2 *= -Fix2_562915447;
        z3 = z3 * -Fix1_961570560 + z5;
        z4 = z4 * -Fix0_390180644 + z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;
    }

    private static byte Clamp(int centered)
    {
        int v = centered + 128;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}
