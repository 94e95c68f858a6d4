using System.Buffers.Binary;

namespace MobileNets.Imaging.Jpeg;

/// <summary>A decoded JPEG before EXIF orientation is applied.</summary>
internal readonly record struct JpegResult(RgbImage Image, int ExifOrientation);

/// <summary>
/// Baseline (SOF0/SOF1) and progressive (SOF2) Huffman JPEG decoder, 8-bit precision, 1/3/4
/// components with any integral sampling factors, restart intervals, JFIF/Adobe colour-space rules.
/// All scans are decoded into coefficient arrays first; the image is then produced by islow IDCT,
/// libjpeg-turbo's upsampling and jdcolor.c colour conversion, so the output equals PIL's.
/// </summary>
internal static class JpegDecoder
{
    /// <summary>
    /// More scans than any real encoder writes (progressive files have about 10); bounds hostile
    /// input. 500 is the limit libjpeg-turbo's TurboJPEG documentation suggests (TJPARAM_SCANLIMIT).
    /// </summary>
    private const int MaxScans = 500;

    private enum ColorSpace { Gray, YCbCr, Rgb, Cmyk, Ycck }

    public static JpegResult Decode(ReadOnlySpan<byte> data, ImageDecodeOptions options)
    {
        var quant = new ushort[4][];
        var dcTables = new HuffmanTable?[4];
        var acTables = new HuffmanTable?[4];
        JpegFrame? frame = null;
        int restartInterval = 0, scans = 0, orientation = 0, adobeTransform = -1;
        bool jfif = false, sawExif = false, sawEoi = false;

        int pos = 2;
        while (!sawEoi)
        {
            pos = JpegMarkers.FindMarker(data, pos);
            if (pos >= data.Length) break;
            while (data[pos] == 0xFF) pos++;
            int marker = data[pos++];
            if (marker == JpegMarkers.EOI) { sawEoi = true; break; }
            if (marker is (>= JpegMarkers.RST0 and <= JpegMarkers.RST7) or JpegMarkers.SOI or 0x01) continue;

            if (data.Length - pos < 2) throw new ImageFormatException($"JPEG: data is truncated (in the header of segment 0xFF{marker:X2})");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2 || length > data.Length - pos)
                throw new ImageFormatException(length < 2
                    ? $"JPEG: invalid length {length} of segment 0xFF{marker:X2}"
                    : $"JPEG: data is truncated (segment 0xFF{marker:X2} of {length} bytes runs past the end)");
            ReadOnlySpan<byte> seg = data.Slice(pos + 2, length - 2);
            pos += length;

            switch (marker)
            {
                case JpegMarkers.SOF0 or JpegMarkers.SOF1 or JpegMarkers.SOF2:
                    if (frame is not null) throw new ImageFormatException("JPEG: more than one SOF segment");
                    frame = ParseFrame(seg, marker == JpegMarkers.SOF2, options, data.Length);
                    break;
                case >= 0xC3 and <= 0xCF when marker != JpegMarkers.DHT:
                    throw new ImageFormatException($"JPEG: unsupported {JpegMarkers.Describe(marker)} encoding; only baseline and progressive Huffman are supported");
                case JpegMarkers.DHT:
                    ParseHuffman(seg, dcTables, acTables);
                    break;
                case JpegMarkers.DQT:
                    ParseQuant(seg, quant);
                    break;
                case JpegMarkers.DRI:
                    if (seg.Length < 2) throw new ImageFormatException("JPEG: DRI segment too short");
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(seg);
                    break;
                case JpegMarkers.APP0:
                    // jdmarker.c examine_app0: a JFIF marker needs at least 14 data bytes.
                    if (seg.Length >= 14 && seg[..5].SequenceEqual("JFIF\0"u8)) jfif = true;
                    break;
                case JpegMarkers.APP1:
                    if (!sawExif && seg.Length >= 6 && seg[..6].SequenceEqual("Exif\0\0"u8))
                    {
                        sawExif = true;
                        orientation = ExifReader.ReadOrientation(seg);
                    }
                    break;
                case JpegMarkers.APP14:
                    // jdmarker.c examine_app14: "Adobe" + version, flags0, flags1, transform (12 bytes).
                    if (seg.Length >= 12 && seg[..5].SequenceEqual("Adobe"u8)) adobeTransform = seg[11];
                    break;
                case JpegMarkers.SOS:
                    if (frame is null) throw new ImageFormatException("JPEG: SOS before SOF");
                    if (++scans > MaxScans) throw new ImageFormatException($"JPEG: more than {MaxScans} scans");
                    JpegScan scan = ParseScan(seg, frame, dcTables, acTables, quant);
                    pos = JpegScanDecoder.Decode(data, pos, frame, scan, restartInterval);
                    break;
                case JpegMarkers.DNL:
                    throw new ImageFormatException("JPEG: DNL (height defined after the scan) is not supported");
                default:
                    break; // APPn, COM and anything else: skipped
            }
        }
        if (frame is null) throw new ImageFormatException("JPEG: no SOF segment (frame header)");
        if (scans == 0) throw new ImageFormatException("JPEG: no image data (no SOS segment)");
        // A progressive file cut between scans would silently give a blurrier image; PIL reports it
        // as truncated too. (A baseline file whose only scan is complete is accepted without EOI.)
        if (frame.Progressive && !sawEoi) throw new ImageFormatException("JPEG: data is truncated (progressive image ends before EOI)");

        ColorSpace cs = frame.Components.Length switch
        {
            1 => ColorSpace.Gray,
            3 when jfif => ColorSpace.YCbCr,
            3 when adobeTransform >= 0 => adobeTransform == 0 ? ColorSpace.Rgb : ColorSpace.YCbCr,
            3 when frame.Components is [{ Id: 82 }, { Id: 71 }, { Id: 66 }] => ColorSpace.Rgb, // 'R','G','B'
            3 => ColorSpace.YCbCr,
            4 when adobeTransform >= 0 => adobeTransform == 0 ? ColorSpace.Cmyk : ColorSpace.Ycck,
            _ => ColorSpace.Cmyk,
        };
        return new JpegResult(Render(frame, cs), orientation);
    }

    private static JpegFrame ParseFrame(ReadOnlySpan<byte> s, bool progressive, ImageDecodeOptions options, int fileLength)
    {
        if (s.Length < 6) throw new ImageFormatException("JPEG: SOF segment too short");
        if (s[0] != 8) throw new ImageFormatException($"JPEG: {s[0]}-bit sample precision is not supported (8-bit only)");
        int height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        int n = s[5];
        if (height == 0) throw new ImageFormatException("JPEG: zero image height (DNL-defined height is not supported)");
        ImageLimits.Check("JPEG", width, height, options);
        if (n is not (1 or 3 or 4)) throw new ImageFormatException($"JPEG: {n} components are not supported (1, 3 or 4)");
        if (s.Length < 6 + 3 * n) throw new ImageFormatException("JPEG: SOF segment too short for its components");
        var comps = new JpegComponent[n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> c = s.Slice(6 + 3 * i, 3);
            int h = c[1] >> 4, v = c[1] & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4) throw new ImageFormatException($"JPEG: invalid sampling factors {h}x{v}");
            if (c[2] > 3) throw new ImageFormatException($"JPEG: invalid quantization table id {c[2]}");
            comps[i] = new JpegComponent { Id = c[0], H = h, V = v, QuantTableId = c[2] };
        }
        var frame = new JpegFrame { Width = width, Height = height, Progressive = progressive, Components = comps };
        frame.ComputeGeometry();

        // Every block of every component starts with a DC Huffman code (baseline, or the first
        // progressive DC scan), at least 1 bit each. A file with fewer than blocks / 8 bytes cannot
        // hold the image it declares: refuse it before allocating, which bounds all later work by
        // the input size (a 600-byte file must not make us decode 100 megapixels of filler).
        long blocks = comps.Sum(c => (long)c.BlocksPerLine * c.BlocksPerColumn);
        if (blocks > 8L * fileLength)
            throw new ImageFormatException($"JPEG: {width}x{height} needs at least {blocks / 8} bytes of entropy-coded data, the file has {fileLength}");
        foreach (var c in comps)
        {
            // libjpeg (jdmaster.c) refuses non-integral upsampling ratios; refuse them before allocating.
            if (frame.HMax % c.H != 0 || frame.VMax % c.V != 0)
                throw new ImageFormatException($"JPEG: fractional sampling factors ({c.H}x{c.V} against {frame.HMax}x{frame.VMax}) are not supported");
            long coefs = (long)c.BlocksStride * c.BlocksRows * 64;
            if (coefs > Array.MaxLength) throw new ImageFormatException($"JPEG: {width}x{height} needs too many DCT blocks");
            c.Coefficients = new short[coefs];
        }
        return frame;
    }

    private static void ParseQuant(ReadOnlySpan<byte> s, ushort[][] tables)
    {
        var zz = JpegScanDecoder.ZigZagToNatural;
        while (s.Length > 0)
        {
            int pq = s[0] >> 4, tq = s[0] & 15;
            if (pq > 1 || tq > 3) throw new ImageFormatException($"JPEG: invalid DQT table spec 0x{s[0]:X2}");
            int size = pq == 0 ? 64 : 128;
            if (s.Length < 1 + size) throw new ImageFormatException("JPEG: DQT segment too short");
            var t = new ushort[64];
            for (int k = 0; k < 64; k++)
                t[zz[k]] = pq == 0 ? s[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(1 + 2 * k)..]);
            tables[tq] = t;
            s = s[(1 + size)..];
        }
    }

    private static void ParseHuffman(ReadOnlySpan<byte> s, HuffmanTable?[] dc, HuffmanTable?[] ac)
    {
        while (s.Length > 0)
        {
            if (s.Length < 17) throw new ImageFormatException("JPEG: DHT segment too short");
            int tc = s[0] >> 4, th = s[0] & 15;
            if (tc > 1 || th > 3) throw new ImageFormatException($"JPEG: invalid DHT table spec 0x{s[0]:X2}");
            ReadOnlySpan<byte> counts = s.Slice(1, 16);
            int total = 0;
            foreach (byte c in counts) total += c;
            if (total > 256 || s.Length < 17 + total) throw new ImageFormatException("JPEG: bad DHT segment (symbol count)");
            var table = new HuffmanTable(counts, s.Slice(17, total), isDc: tc == 0);
            (tc == 0 ? dc : ac)[th] = table;
            s = s[(17 + total)..];
        }
    }

    private static JpegScan ParseScan(ReadOnlySpan<byte> s, JpegFrame frame, HuffmanTable?[] dc, HuffmanTable?[] ac, ushort[][] quant)
    {
        if (s.Length < 1) throw new ImageFormatException("JPEG: SOS segment too short");
        int n = s[0];
        if (n is < 1 or > 4 || s.Length < 4 + 2 * n) throw new ImageFormatException($"JPEG: bad SOS segment ({n} components)");
        var comps = new JpegComponent[n];
        int blocksPerMcu = 0;
        for (int i = 0; i < n; i++)
        {
            int id = s[1 + 2 * i], tables = s[2 + 2 * i];
            JpegComponent c = Array.Find(frame.Components, x => x.Id == id)
                ?? throw new ImageFormatException($"JPEG: scan names unknown component {id}");
            if (Array.IndexOf(comps, c) >= 0) throw new ImageFormatException($"JPEG: scan names component {id} twice");
            comps[i] = c;
            c.DcTable = dc[(tables >> 4) & 3];
            c.AcTable = ac[tables & 3];
            if ((tables >> 4) > 3 || (tables & 15) > 3) throw new ImageFormatException("JPEG: invalid Huffman table id in SOS");
            blocksPerMcu += c.H * c.V;
        }
        if (n > 1 && blocksPerMcu > 10) throw new ImageFormatException($"JPEG: {blocksPerMcu} blocks per MCU (at most 10 allowed)");
        var scan = new JpegScan { Components = comps, Ss = s[1 + 2 * n], Se = s[2 + 2 * n], Ah = s[3 + 2 * n] >> 4, Al = s[3 + 2 * n] & 15 };

        if (frame.Progressive)
        {
            bool ok = scan.Ss == 0 ? scan.Se == 0 : scan.Ss <= scan.Se && scan.Se <= 63 && n == 1;
            ok &= scan.Al <= 13 && (scan.Ah == 0 || scan.Ah - 1 == scan.Al);
            if (!ok) throw new ImageFormatException($"JPEG: invalid progressive scan parameters Ss={scan.Ss} Se={scan.Se} Ah={scan.Ah} Al={scan.Al}");
        }
        foreach (var c in comps)
        {
            bool needDc = !frame.Progressive || (scan.Ss == 0 && scan.Ah == 0);
            bool needAc = !frame.Progressive || scan.Ss > 0;
            if ((needDc && c.DcTable is null) || (needAc && c.AcTable is null))
                throw new ImageFormatException($"JPEG: scan uses an undefined Huffman table for component {c.Id}");
            if (c.Quant is null)
                c.Quant = (ushort[])(quant[c.QuantTableId] ?? throw new ImageFormatException($"JPEG: undefined quantization table {c.QuantTableId}")).Clone();
        }
        return scan;
    }

    private static RgbImage Render(JpegFrame frame, ColorSpace cs)
    {
        int w = frame.Width, h = frame.Height;
        var planes = new JpegUpsampler.Plane[frame.Components.Length];
        for (int i = 0; i < planes.Length; i++)
        {
            JpegComponent c = frame.Components[i];
            int stride = c.BlocksPerLine * 8;
            var samples = new byte[stride * c.BlocksPerColumn * 8];
            ushort[] q = c.Quant ?? new ushort[64]; // never scanned: all coefficients are zero anyway
            for (int by = 0; by < c.BlocksPerColumn; by++)
                for (int bx = 0; bx < c.BlocksPerLine; bx++)
                    JpegIdct.Islow(c.Block(bx, by), q, samples.AsSpan(by * 8 * stride + bx * 8), stride);
            c.Coefficients = []; // release early: the planes below need the memory
            planes[i] = JpegUpsampler.Upsample(new JpegUpsampler.Plane(samples, stride), c.DownsampledWidth, c.DownsampledHeight,
                frame.HMax / c.H, frame.VMax / c.V, w, h);
        }

        var image = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
        {
            Span<byte> dst = image.Row(y);
            ReadOnlySpan<byte> Row(int i) => planes[i].Data.AsSpan(y * planes[i].Stride, w);
            switch (cs)
            {
                case ColorSpace.Gray: JpegColorConverter.Gray(Row(0), dst, w); break;
                case ColorSpace.YCbCr: JpegColorConverter.YccToRgb(Row(0), Row(1), Row(2), dst, w); break;
                case ColorSpace.Rgb: JpegColorConverter.Rgb(Row(0), Row(1), Row(2), dst, w); break;
                default: JpegColorConverter.CmykToRgb(Row(0), Row(1), Row(2), Row(3), dst, w, cs == ColorSpace.Ycck); break;
            }
        }
        return image;
    }
}
