using System.Buffers.Binary;
using System.Numerics;

namespace MobileNets.Imaging.Bmp;

/// <summary>
/// Windows/OS2 BMP decoder: 1/4/8-bit palette, 16-bit (5-5-5 or BI_BITFIELDS), 24-bit and 32-bit
/// (BI_RGB or BI_BITFIELDS), bottom-up and top-down. Output matches Pillow's BmpImagePlugin:
/// n-bit channel masks scale as <c>v * 255 / (2^n - 1)</c> (Unpack.c "BGR;15"/"BGR;16"), palette
/// indices past the palette map to gray (i, i, i) like Pillow's default palette, alpha is dropped.
/// </summary>
internal static class BmpDecoder
{
    private const int BiRgb = 0, BiRle8 = 1, BiRle4 = 2, BiBitfields = 3, BiAlphaBitfields = 6;

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions options)
    {
        if (data.Length < 14 + 12) throw new ImageFormatException($"BMP: file is {data.Length} bytes, too short for the headers");
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        if (headerSize is not (12 or 40 or 52 or 56 or 64 or 108 or 124))
            throw new ImageFormatException($"BMP: unsupported info header size {headerSize}");
        if (data.Length < 14 + headerSize) throw new ImageFormatException("BMP: truncated info header");
        ReadOnlySpan<byte> h = data.Slice(14, (int)headerSize);

        long width, height;
        int bits, compression = BiRgb;
        long colors = 0;
        bool core = headerSize == 12;
        if (core)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(h[6..]);
            bits = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(h[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
            bits = BinaryPrimitives.ReadUInt16LittleEndian(h[14..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
            colors = BinaryPrimitives.ReadUInt32LittleEndian(h[32..]);
        }
        bool topDown = height < 0;
        height = Math.Abs(height);
        ImageLimits.Check("BMP", width, height, options);
        int w = (int)width, ht = (int)height;

        int after = 14 + (int)headerSize; // palette / masks follow the info header
        uint[] masks;
        switch (compression)
        {
            case BiRgb:
                masks = bits switch
                {
                    16 => [0x7C00, 0x03E0, 0x001F],
                    24 or 32 => [0xFF0000, 0x00FF00, 0x0000FF],
                    1 or 4 or 8 => [],
                    _ => throw new ImageFormatException($"BMP: unsupported bit depth {bits}"),
                };
                break;
            case BiBitfields or BiAlphaBitfields when bits is 16 or 32:
                if (headerSize >= 52)
                    masks = [ReadMask(h, 40), ReadMask(h, 44), ReadMask(h, 48)];
                else
                {
                    if (data.Length < after + 12) throw new ImageFormatException("BMP: truncated bitfield masks");
                    masks = [ReadMask(data, after), ReadMask(data, after + 4), ReadMask(data, after + 8)];
                    after += compression == BiAlphaBitfields ? 16 : 12;
                }
                foreach (uint m in masks)
                    if (m == 0 || !IsContiguous(m))
                        throw new ImageFormatException($"BMP: unsupported bitfield mask 0x{m:X8}");
                break;
            case BiRle8 or BiRle4:
                throw new ImageFormatException("BMP: RLE-compressed bitmaps are not supported");
            default:
                throw new ImageFormatException($"BMP: unsupported compression {compression} with {bits} bits per pixel");
        }

        byte[] palette = new byte[256 * 3];
        for (int i = 0; i < 256; i++) palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = (byte)i;
        if (bits <= 8)
        {
            int entry = core ? 3 : 4;
            if (colors == 0 || colors > (1 << bits)) colors = Math.Min(colors == 0 ? 1 << bits : colors, 256);
            long need = after + colors * entry;
            if (need > data.Length) throw new ImageFormatException("BMP: truncated palette");
            for (int i = 0; i < colors; i++)
            {
                int p = after + i * entry;
                palette[3 * i] = data[p + 2];
                palette[3 * i + 1] = data[p + 1];
                palette[3 * i + 2] = data[p];
            }
        }

        long stride = ((width * bits + 31) >> 5) * 4;
        long rowBytes = (width * bits + 7) / 8;
        if (pixelOffset < 14 + headerSize || pixelOffset > data.Length
            || stride * (height - 1) + rowBytes > data.Length - pixelOffset)
            throw new ImageFormatException($"BMP: pixel data is truncated or its offset {pixelOffset} is invalid");

        var image = new RgbImage(w, ht);
        ReadOnlySpan<byte> pixels = data[(int)pixelOffset..];
        var chan = masks.Select(m => (Shift: BitOperations.TrailingZeroCount(m), Max: m >> BitOperations.TrailingZeroCount(m))).ToArray();
        for (int y = 0; y < ht; y++)
        {
            ReadOnlySpan<byte> src = pixels.Slice((int)(stride * (topDown ? y : ht - 1 - y)), (int)rowBytes);
            Span<byte> dst = image.Row(y);
            switch (bits)
            {
                case 1 or 4 or 8:
                    for (int x = 0; x < w; x++)
                    {
                        int bit = x * bits;
                        int idx = (src[bit >> 3] >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
                        dst[3 * x] = palette[3 * idx];
                        dst[3 * x + 1] = palette[3 * idx + 1];
                        dst[3 * x + 2] = palette[3 * idx + 2];
                    }
                    break;
                case 24 when compression == BiRgb:
                    for (int x = 0; x < w; x++)
                    {
                        dst[3 * x] = src[3 * x + 2];
                        dst[3 * x + 1] = src[3 * x + 1];
                        dst[3 * x + 2] = src[3 * x];
                    }
                    break;
                default: // 16 or 32 bits with channel masks
                    int bytes = bits / 8;
                    for (int x = 0; x < w; x++)
                    {
                        uint v = bytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * x)..]) : BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * x)..]);
                        for (int c = 0; c < 3; c++)
                        {
                            uint s = (v & masks[c]) >> chan[c].Shift;
                            dst[3 * x + c] = (byte)(chan[c].Max == 255 ? s : (ulong)s * 255 / chan[c].Max);
                        }
                    }
                    break;
            }
        }
        return image;
    }

    private static uint ReadMask(ReadOnlySpan<byte> d, int at) => BinaryPrimitives.ReadUInt32LittleEndian(d[at..]);

    private static bool IsContiguous(uint m)
    {
        uint shifted = m >> BitOperations.TrailingZeroCount(m);
        return (shifted & (shifted + 1)) == 0;
    }
}
