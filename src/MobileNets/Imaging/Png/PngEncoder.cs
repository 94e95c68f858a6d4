using System.Buffers.Binary;
using System.IO.Compression;
using MobileNets.Imaging.Png;

namespace MobileNets.Imaging;

/// <summary>Writes <see cref="RgbImage"/>s as 8-bit RGB PNG files (for debugging and fixtures).</summary>
public static class PngEncoder
{
    /// <summary>Encodes the image as a non-interlaced 8-bit RGB PNG.</summary>
    public static byte[] Encode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        output.Write(PngDecoder.Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type: truecolour
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, ihdr);

        using (var idat = new MemoryStream())
        {
            using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
            {
                int rowBytes = image.Width * 3;
                var line = new byte[rowBytes + 1];
                for (int y = 0; y < image.Height; y++)
                {
                    // Filter type 1 (Sub) for every row: cheap and compresses photos far better than None.
                    line[0] = 1;
                    ReadOnlySpan<byte> row = image.Row(y);
                    for (int i = 0; i < rowBytes; i++)
                        line[i + 1] = (byte)(row[i] - (i >= 3 ? row[i - 3] : 0));
                    z.Write(line);
                }
            }
            WriteChunk(output, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        }
        WriteChunk(output, "IEND"u8, ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    /// <summary>Encodes the image and writes it to <paramref name="path"/>.</summary>
    public static void Save(RgbImage image, string path) => File.WriteAllBytes(path, Encode(image));

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        s.Write(type);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Update(0, type), data));
        s.Write(word);
    }
}
