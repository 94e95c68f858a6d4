using System.Buffers.Binary;
using System.IO.Compression;

namespace MobileNets.Imaging.Png;

/// <summary>
/// PNG decoder: every colour type and bit depth, Adam7 interlace, CRC-checked chunks, zlib through
/// <see cref="ZLibStream"/>. Output follows PIL's <c>convert('RGB')</c> (see <see cref="PngRowConverter"/>).
/// </summary>
internal static class PngDecoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Adam7 passes (PNG spec 8.2): x start, y start, x step, y step.
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
    private static readonly (int X, int Y, int Dx, int Dy)[] Progressive = [(0, 0, 1, 1)];

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions options)
    {
        PngHeader? header = null;
        ReadOnlySpan<byte> plte = default;
        using var idat = new MemoryStream();
        int pos = 8;
        bool sawIend = false;
        while (!sawIend)
        {
            if (pos == data.Length) break; // tolerate a missing IEND after complete chunks
            if (data.Length - pos < 12)
                throw new ImageFormatException($"PNG: truncated chunk header at offset {pos}");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            if (length > int.MaxValue || length > data.Length - pos - 12)
                throw new ImageFormatException($"PNG: chunk at offset {pos} declares {length} bytes, beyond the end of the data");
            ReadOnlySpan<byte> type = data.Slice(pos + 4, 4);
            ReadOnlySpan<byte> body = data.Slice(pos + 8, (int)length);
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            string typeName = ChunkName(type);
            if (Crc32.Update(Crc32.Update(0, type), body) != storedCrc)
                throw new ImageFormatException($"PNG: CRC mismatch in {typeName} chunk at offset {pos}");
            pos += 12 + (int)length;

            if (header is null && typeName != "IHDR")
                throw new ImageFormatException($"PNG: first chunk is {typeName}, expected IHDR");
            switch (typeName)
            {
                case "IHDR":
                    if (header is not null) throw new ImageFormatException("PNG: duplicate IHDR chunk");
                    header = PngHeader.Parse(body);
                    ImageLimits.Check("PNG", header.Value.Width, header.Value.Height, options);
                    break;
                case "PLTE":
                    if (body.Length % 3 != 0 || body.Length == 0 || body.Length > 768)
                        throw new ImageFormatException($"PNG: PLTE chunk has {body.Length} bytes, expected a multiple of 3 up to 768");
                    plte = body;
                    break;
                case "IDAT":
                    idat.Write(body);
                    break;
                case "IEND":
                    sawIend = true;
                    break;
                default:
                    // Upper-case first letter = critical chunk we cannot interpret (PNG spec 5.4).
                    if (type[0] is >= (byte)'A' and <= (byte)'Z')
                        throw new ImageFormatException($"PNG: unsupported critical chunk {typeName}");
                    break;
            }
        }
        if (header is null) throw new ImageFormatException("PNG: no IHDR chunk");
        PngHeader h = header.Value;
        if (h.ColorType == 3 && plte.IsEmpty) throw new ImageFormatException("PNG: palette image without PLTE chunk");
        if (idat.Length == 0) throw new ImageFormatException("PNG: no IDAT chunk");

        var passes = h.Interlaced ? Adam7 : Progressive;
        long expected = 0, maxRow = 0;
        foreach (var p in passes)
        {
            int pw = PassSize(h.Width, p.X, p.Dx), ph = PassSize(h.Height, p.Y, p.Dy);
            if (pw == 0 || ph == 0) continue;
            long rb = h.RowBytes(pw);
            maxRow = Math.Max(maxRow, rb);
            expected += (rb + 1) * ph;
        }
        if (expected > Array.MaxLength) throw new ImageFormatException($"PNG: {expected} bytes of scanlines is too large");

        byte[] raw = Inflate(idat, (int)expected);
        var image = new RgbImage(h.Width, h.Height);
        var converter = new PngRowConverter(h, plte);
        var prior = new byte[maxRow];
        int bpp = h.FilterStride, offset = 0;
        foreach (var p in passes)
        {
            int pw = PassSize(h.Width, p.X, p.Dx), ph = PassSize(h.Height, p.Y, p.Dy);
            if (pw == 0 || ph == 0) continue;
            int rb = (int)h.RowBytes(pw);
            Array.Clear(prior);
            for (int r = 0; r < ph; r++)
            {
                int filter = raw[offset];
                Span<byte> row = raw.AsSpan(offset + 1, rb);
                PngUnfilter.Apply(filter, row, prior.AsSpan(0, rb), bpp);
                converter.Convert(row, pw, image.Row(p.Y + r * p.Dy), p.X, p.Dx);
                row.CopyTo(prior);
                offset += rb + 1;
            }
        }
        return image;
    }

    private static int PassSize(int size, int start, int step) => size <= start ? 0 : (size - start + step - 1) / step;

    private static byte[] Inflate(MemoryStream idat, int expected)
    {
        idat.Position = 0;
        var raw = new byte[expected];
        int got;
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress, leaveOpen: true);
            got = z.ReadAtLeast(raw, expected, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException($"PNG: corrupt zlib stream in IDAT ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (got < expected)
            throw new ImageFormatException($"PNG: image data is truncated ({got} of {expected} scanline bytes)");
        return raw;
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++) c[i] = type[i] is >= 32 and < 127 ? (char)type[i] : '?';
        return new string(c);
    }
}
