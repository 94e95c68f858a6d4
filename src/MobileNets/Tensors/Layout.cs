namespace MobileNets.Tensors;

/// <summary>The one conversion in and out of the engine's NHWC layout.</summary>
internal static class Layout
{
    public static void ChwToHwc(ReadOnlySpan<float> chw, Span<float> hwc, FeatureShape s)
    {
        int pixels = s.Pixels, c = s.Channels;
        for (int ch = 0; ch < c; ch++)
        {
            var plane = chw.Slice(ch * pixels, pixels);
            for (int p = 0; p < pixels; p++) hwc[p * c + ch] = plane[p];
        }
    }

    public static void HwcToChw(ReadOnlySpan<float> hwc, Span<float> chw, FeatureShape s)
    {
        int pixels = s.Pixels, c = s.Channels;
        for (int ch = 0; ch < c; ch++)
        {
            var plane = chw.Slice(ch * pixels, pixels);
            for (int p = 0; p < pixels; p++) plane[p] = hwc[p * c + ch];
        }
    }
}
