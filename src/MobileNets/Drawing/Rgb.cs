namespace MobileNets.Drawing;

/// <summary>An 8-bit RGB color.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb White => new(255, 255, 255);
    public static Rgb Black => new(0, 0, 0);

    /// <summary>Black or white, whichever reads better on this color (ITU-R BT.601 luma).</summary>
    public Rgb Contrasting => 0.299 * R + 0.587 * G + 0.114 * B > 140 ? Black : White;
}
