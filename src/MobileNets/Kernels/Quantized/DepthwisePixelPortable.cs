using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MobileNets.Kernels.Quantized;

/// <summary>Portable depthwise pixel: 4 channels per step as 32-bit lanes, one tap at a time; the channel tail is scalar.</summary>
internal readonly unsafe struct DepthwisePixelVector128(DepthwiseWeights w, QuantizedOutputStage stage, int* centered, int* bias) : IDepthwisePixel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Pixel(byte** rows, nint offset, byte* dst)
    {
        var zx = Vector128.Create(w.InputZeroPoint);
        int ch = 0;
        for (; ch + 4 <= w.Channels; ch += 4)
        {
            var acc = Vector128.Load(bias + ch);
            for (int t = 0; t < w.Taps; t++)
            {
                var x = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(*(uint*)(rows[t] + offset + ch)).AsByte()).AsInt16());
                acc += (x - zx) * Vector128.Load(centered + t * w.Channels + ch);
            }
            for (int i = 0; i < 4; i++) dst[ch + i] = stage.Requantize(acc.GetElement(i), ch + i);
        }
        for (; ch < w.Channels; ch++) dst[ch] = stage.Requantize(DepthwisePixelScalar.Channel(w, rows, offset, centered, bias, ch), ch);
    }
}

/// <summary>Scalar depthwise pixel (also TFLite's fixed-point requantization).</summary>
internal readonly unsafe struct DepthwisePixelScalar(DepthwiseWeights w, QuantizedOutputStage stage, int* centered, int* bias) : IDepthwisePixel
{
    public void Pixel(byte** rows, nint offset, byte* dst)
    {
        for (int ch = 0; ch < w.Channels; ch++) dst[ch] = stage.Requantize(Channel(w, rows, offset, centered, bias, ch), ch);
    }

    public static int Channel(DepthwiseWeights w, byte** rows, nint offset, int* centered, int* bias, int ch)
    {
        int acc = bias[ch];
        for (int t = 0; t < w.Taps; t++) acc += (rows[t][offset + ch] - w.InputZeroPoint) * centered[t * w.Channels + ch];
        return acc;
    }
}
