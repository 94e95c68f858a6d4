namespace MobileNets.Imaging.Jpeg;

/// <summary>
/// Colour conversion to RGB24 with libjpeg's jdcolor.c fixed-point tables (SCALEBITS = 16):
/// R = Y + Cr_r[Cr], G = Y + ((Cb_g[Cb] + Cr_g[Cr]) &gt;&gt; 16), B = Y + Cb_b[Cb], clamped.
/// CMYK/YCCK follow what PIL does with them: libjpeg converts YCCK to CMYK (ycck_cmyk_convert),
/// PIL reads the result as Adobe-inverted "CMYK;I" and converts with Convert.c cmyk2rgb.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16, OneHalf = 1 << (ScaleBits - 1);
    private static readonly int[] CrR = new int[256], CbB = new int[256], CrG = new int[256], CbG = new int[256];

    static JpegColorConverter()
    {
        // jdcolor.c build_ycc_rgb_table; FIX(x) = (long)(x * 65536 + 0.5).
        for (int i = 0; i < 256; i++)
        {
            long x = i - 128;
            CrR[i] = (int)((Fix(1.40200) * x + OneHalf) >> ScaleBits);
            CbB[i] = (int)((Fix(1.77200) * x + OneHalf) >> ScaleBits);
            CrG[i] = (int)(-Fix(0.71414) * x);
            CbG[i] = (int)(-Fix(0.34414) * x + OneHalf);
        }
    }

    private static long Fix(double v) => (long)(v * (1L << ScaleBits) + 0.5);

    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    public static void YccToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb, int width)
    {
        y = y[..width];
        cb = cb[..width];
        cr = cr[..width];
        rgb = rgb[..(3 * width)];
        for (int x = 0; x < width; x++)
        {
            int l = y[x], b = cb[x], r = cr[x];
            rgb[3 * x] = Clamp(l + CrR[r]);
            rgb[3 * x + 1] = Clamp(l + ((CbG[b] + CrG[r]) >> ScaleBits));
            rgb[3 * x + 2] = Clamp(l + CbB[b]);
        }
    }

    public static void Gray(ReadOnlySpan<byte> y, Span<byte> rgb, int width)
    {
        for (int x = 0; x < width; x++) rgb[3 * x] = rgb[3 * x + 1] = rgb[3 * x + 2] = y[x];
    }

    public static void Rgb(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<byte> rgb, int width)
    {
        for (int x = 0; x < width; x++)
        {
            rgb[3 * x] = r[x];
            rgb[3 * x + 1] = g[x];
            rgb[3 * x + 2] = b[x];
        }
    }

    /// <summary>Converts four-component rows; <paramref name="ycck"/> is true for YCCK (Adobe transform 2), false for plain CMYK.</summary>
    public static void CmykToRgb(ReadOnlySpan<byte> c0, ReadOnlySpan<byte> c1, ReadOnlySpan<byte> c2, ReadOnlySpan<byte> k,
        Span<byte> rgb, int width, bool ycck)
    {
        for (int x = 0; x < width; x++)
        {
            int c = c0[x], m = c1[x], yy = c2[x];
            if (ycck)
            {
                // jdcolor.c ycck_cmyk_convert: C = 255 - R, M = 255 - G, Y = 255 - B of the YCC triple.
                int l = c0[x], cb = c1[x], cr = c2[x];
                c = Clamp(255 - (l + CrR[cr]));
                m = Clamp(255 - (l + ((CbG[cb] + CrG[cr]) >> ScaleBits)));
                yy = Clamp(255 - (l + CbB[cb]));
            }
            // PIL "CMYK;I" unpacking inverts every sample; cmyk2rgb then computes
            // nk - MULDIV255(ink, nk) with nk = 255 - K' = K (raw).
            int nk = k[x];
            rgb[3 * x] = Clamp(nk - MulDiv255(255 - c, nk));
            rgb[3 * x + 1] = Clamp(nk - MulDiv255(255 - m, nk));
            rgb[3 * x + 2] = Clamp(nk - MulDiv255(255 - yy, nk));
        }
    }

    // Pillow ImagingUtils.h MULDIV255: a * b / 255 rounded, without a division.
    private static int MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
