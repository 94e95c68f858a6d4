using System.Buffers.Binary;
using MobileNets.Tests.Hardening;

namespace MobileNets.Tests.Imaging;

/// <summary>
/// Each image format's structure for the shared <see cref="ByteMutator"/>: PNG chunks (and a repair
/// that recomputes their CRCs, so damage inside a chunk reaches the decoder), JPEG marker segments
/// (a scan with its entropy-coded data), the BMP headers, palette and pixel array, the PNM header
/// tokens and raster.
/// </summary>
internal static class ImageLayouts
{
    public static FuzzLayout For(string format, byte[] file) => format switch
    {
        "png" => Png(file),
        "jpeg" => Jpeg(file),
        "bmp" => Bmp(file),
        "pnm" => Pnm(file),
        _ => throw new ArgumentException(format),
    };

    /// <summary>Length, type, data, CRC from byte 8 on.</summary>
    static IEnumerable<FileChunk> PngChunks(byte[] b)
    {
        for (int p = 8; p + 12 <= b.Length;)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(p));
            if (length > b.Length - p - 12) yield break;
            yield return new FileChunk(p, 12 + (int)length, System.Text.Encoding.ASCII.GetString(b, p + 4, 4));
            p += 12 + (int)length;
        }
    }

    static FuzzLayout Png(byte[] file) => new(PngChunks(file).ToList(), Repair: b =>
    {
        foreach (var c in PngChunks(b))
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(c.End - 4), MobileNets.Weights.PyTorch.Crc32.Compute(b.AsSpan(c.Start + 4, c.Length - 8)));
    });

    /// <summary>Marker segments after SOI; a scan runs to the next marker that is neither a stuffed 0xFF00 nor a restart.</summary>
    static FuzzLayout Jpeg(byte[] b)
    {
        var chunks = new List<FileChunk>();
        for (int p = 2; p + 4 <= b.Length && b[p] == 0xFF;)
        {
            byte marker = b[p + 1];
            if (marker == 0xD9) { chunks.Add(new FileChunk(p, 2, "EOI")); break; }
            int end = p + 2 + BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(p + 2));
            if (marker == 0xDA)
                while (end + 1 < b.Length && !(b[end] == 0xFF && b[end + 1] != 0 && b[end + 1] is not (>= 0xD0 and <= 0xD7))) end++;
            if (end > b.Length) break;
            chunks.Add(new FileChunk(p, end - p, JpegName(marker)));
            p = end;
        }
        return new FuzzLayout(chunks);
    }

    static string JpegName(byte marker) => marker switch
    {
        0xC4 => "DHT", 0xDB => "DQT", 0xDA => "SOS", 0xDD => "DRI", 0xFE => "COM",
        >= 0xC0 and <= 0xCF => $"SOF{marker - 0xC0}",
        >= 0xE0 and <= 0xEF => $"APP{marker - 0xE0}",
        _ => $"marker 0x{marker:X2}",
    };

    /// <summary>File header, info header, what lies between it and the pixels (masks, palette), the pixel array.</summary>
    static FuzzLayout Bmp(byte[] b)
    {
        int info = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(14)), pixels = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(10));
        var chunks = new List<FileChunk> { new(0, 14, "file header"), new(14, info, "info header") };
        if (pixels > 14 + info) chunks.Add(new FileChunk(14 + info, pixels - 14 - info, "masks and palette"));
        chunks.Add(new FileChunk(pixels, b.Length - pixels, "pixels"));
        // Headers, masks and palette are the structure; the pixel array is bulk data.
        return new FuzzLayout(chunks, Enumerable.Range(0, pixels).ToArray());
    }

    /// <summary>The header's tokens (magic, width, height, maxval) and the raster after them.</summary>
    static FuzzLayout Pnm(byte[] b)
    {
        var chunks = new List<FileChunk>();
        int p = 0, tokens = b[1] is (byte)'1' or (byte)'4' ? 3 : 4;
        while (chunks.Count < tokens && p < b.Length)
        {
            while (p < b.Length && char.IsWhiteSpace((char)b[p])) p++;
            if (p < b.Length && b[p] == '#') { while (p < b.Length && b[p] != '\n') p++; continue; }
            int start = p;
            while (p < b.Length && !char.IsWhiteSpace((char)b[p])) p++;
            chunks.Add(new FileChunk(start, p - start, $"header token {chunks.Count}"));
        }
        int raster = Math.Min(p + 1, b.Length);
        chunks.Add(new FileChunk(raster, b.Length - raster, "raster"));
        return new FuzzLayout(chunks, Enumerable.Range(0, raster).ToArray());
    }
}
