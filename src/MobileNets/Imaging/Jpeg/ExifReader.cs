using System.Buffers.Binary;

namespace MobileNets.Imaging.Jpeg;

/// <summary>Reads the Orientation tag (0x0112) from IFD0 of an APP1 "Exif\0\0" TIFF block.</summary>
internal static class ExifReader
{
    /// <returns>The orientation 1..8, or 0 when absent or unreadable (a broken EXIF block never fails the decode).</returns>
    public static int ReadOrientation(ReadOnlySpan<byte> app1)
    {
        if (app1.Length < 6 + 8 || !app1[..6].SequenceEqual("Exif\0\0"u8)) return 0;
        ReadOnlySpan<byte> tiff = app1[6..];
        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
        else return 0;
        uint ifd = U32(tiff[4..], little);
        if (ifd > tiff.Length - 2) return 0;
        int count = U16(tiff[(int)ifd..], little);
        for (int i = 0; i < count; i++)
        {
            long at = ifd + 2 + 12L * i;
            if (at + 12 > tiff.Length) return 0;
            ReadOnlySpan<byte> e = tiff.Slice((int)at, 12);
            if (U16(e, little) != 0x0112) continue;
            int type = U16(e[2..], little);
            int value = type switch
            {
                3 => U16(e[8..], little),        // SHORT
                4 => (int)Math.Min(U32(e[8..], little), 9), // LONG
                _ => 0,
            };
            return value is >= 1 and <= 8 ? value : 0;
        }
        return 0;
    }

    private static ushort U16(ReadOnlySpan<byte> d, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d) : BinaryPrimitives.ReadUInt16BigEndian(d);

    private static uint U32(ReadOnlySpan<byte> d, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d) : BinaryPrimitives.ReadUInt32BigEndian(d);
}
