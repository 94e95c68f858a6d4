namespace MobileNets.Imaging.Png;

/// <summary>The IHDR fields of a PNG file, validated against the PNG specification's allowed combinations.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    /// <summary>Samples per pixel: gray 1, RGB 3, palette 1, gray+alpha 2, RGBA 4.</summary>
    public int Channels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };

    /// <summary>Bytes per complete pixel, at least 1: the left-neighbour distance of the Sub/Average/Paeth filters.</summary>
    public int FilterStride => Math.Max(1, Channels * BitDepth / 8);

    /// <summary>Bytes of one unfiltered scanline holding <paramref name="width"/> pixels.</summary>
    public long RowBytes(int width) => ((long)width * Channels * BitDepth + 7) / 8;

    public static PngHeader Parse(ReadOnlySpan<byte> d)
    {
        if (d.Length != 13) throw new ImageFormatException($"PNG: IHDR chunk is {d.Length} bytes, expected 13");
        uint w = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(d);
        uint h = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
            throw new ImageFormatException($"PNG: invalid image size {w}x{h}");
        int depth = d[8], type = d[9];
        bool ok = type switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!ok) throw new ImageFormatException($"PNG: invalid colour type {type} with bit depth {depth}");
        if (d[10] != 0) throw new ImageFormatException($"PNG: unknown compression method {d[10]}");
        if (d[11] != 0) throw new ImageFormatException($"PNG: unknown filter method {d[11]}");
        if (d[12] > 1) throw new ImageFormatException($"PNG: unknown interlace method {d[12]}");
        return new PngHeader((int)w, (int)h, depth, type, d[12] == 1);
    }
}
