namespace MobileNets.Architectures;

/// <summary>Channel rounding shared by torchvision (<c>_make_divisible</c>) and timm (<c>make_divisible</c>).</summary>
internal static class Channels
{
    /// <summary>Nearest multiple of <paramref name="divisor"/>, at least <paramref name="divisor"/>, never more than 10% below <paramref name="value"/>.</summary>
    public static int MakeDivisible(double value, int divisor = 8, double roundLimit = 0.9)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        if (rounded < roundLimit * value) rounded += divisor;
        return rounded;
    }

    /// <summary>timm <c>round_channels</c>: scale by the width multiplier, then make divisible by 8.</summary>
    public static int Scale(int channels, double width) => width == 0 ? channels : MakeDivisible(channels * width);

    /// <summary>Python 3 <c>round()</c>: halves to even.</summary>
    public static int PyRound(double value) => (int)Math.Round(value, MidpointRounding.ToEven);
}
