namespace MobileNets.Tensors;

/// <summary>Shape of one image's feature map inside the engine, stored NHWC (channels innermost).</summary>
internal readonly record struct FeatureShape(int Height, int Width, int Channels)
{
    public int Pixels => Height * Width;
    public int Size => Height * Width * Channels;
    public override string ToString() => $"{Height}x{Width}x{Channels}";
}
