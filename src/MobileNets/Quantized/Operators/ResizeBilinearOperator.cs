using System.Runtime.InteropServices;
using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized.Operators;

/// <summary>
/// RESIZE_BILINEAR as XNNPACK runs it (the delegate maps align_corners to XNN_FLAG_ALIGN_CORNERS,
/// neither flag to TENSORFLOW_LEGACY_MODE, half_pixel_centers to the default). Source coordinates
/// and weights follow src/indirection.c (xnn_indirection_init_resize_bilinear2d_hwc_q11): weights
/// lrintf(alpha · 2^11); 8-bit pixels are blended in fixed point as src/u8-ibilinear/gen/scalar-c1.c
/// ((tl·2^11 + (tr-tl)·ax) ·2^11 + (bottom - top)·ay + 2^21) >> 22. The result is the same in the
/// shifted int8 storage, and quantization parameters pass through unchanged, as in XNNPACK.
/// </summary>
internal sealed class ResizeBilinearOperator : GraphOperator
{
    readonly GraphTensor _input, _output;
    readonly bool _quantized;
    readonly int _batch, _channels, _inH, _inW, _outH, _outW;
    readonly int[] _top, _bottom, _left, _right;
    readonly short[] _alphaY, _alphaX;
    readonly float[] _fy, _fx;

    ResizeBilinearOperator(OperatorSite site, GraphTensor input, GraphTensor output, bool alignCorners, bool halfPixel) : base(site.Index)
    {
        _input = input; _output = output;
        _quantized = site.IsQuantized(input, output);
        _batch = input.Shape[0]; _inH = input.Shape[1]; _inW = input.Shape[2]; _channels = input.Shape[3];
        _outH = output.Shape[1]; _outW = output.Shape[2];
        bool legacy = !alignCorners && !halfPixel;
        (_top, _bottom, _alphaY, _fy) = Axis(_inH, _outH, alignCorners, legacy);
        (_left, _right, _alphaX, _fx) = Axis(_inW, _outW, alignCorners, legacy);
    }

    static (int[] Low, int[] High, short[] Alpha, float[] FloatAlpha) Axis(int input, int output, bool alignCorners, bool legacy)
    {
        int adjust = alignCorners && output != 1 ? 1 : 0;
        float scale = (float)(input - adjust) / (output - adjust);
        var low = new int[output]; var high = new int[output]; var alpha = new short[output]; var fa = new float[output];
        float offset = legacy || alignCorners ? 0f : 0.5f * scale - 0.5f;
        for (int o = 0; o < output; o++)
        {
            float src = o * scale + offset;
            if (!(legacy || alignCorners)) src = MathF.Min(MathF.Max(src, 0f), input - 1);
            int lo = (int)src;
            low[o] = lo;
            high[o] = Math.Min(lo + 1, input - 1);
            fa[o] = src - lo;
            alpha[o] = (short)MathF.Round(fa[o] * 2048f, MidpointRounding.ToEven);
        }
        return (low, high, alpha, fa);
    }

    public static GraphOperator Build(OperatorSite site)
    {
        site.RequireArity(2, 2, 1);
        var o = site.Options<ResizeBilinearOptions>();
        var input = site.Input(0);
        var output = site.Output();
        site.RequireRank(input, 4);
        var size = site.Int32Values(site.ConstantInput(1));
        site.Require(size.Length == 2 && size[0] > 0 && size[1] > 0, "size must hold two positive values");
        site.Require(input.Shape[1] > 0 && input.Shape[2] > 0, $"{input.Describe} is empty");
        site.RequireShape(output, [input.Shape[0], size[0], size[1], input.Shape[3]]);
        site.Require(!(o.AlignCorners && o.HalfPixelCenters), "align_corners and half_pixel_centers are both set");
        return new ResizeBilinearOperator(site, input, output, o.AlignCorners, o.HalfPixelCenters);
    }

    public override void Execute(ExecutionContext context)
    {
        var x = context.Data(_input);
        var y = context.Data(_output);
        var xf = MemoryMarshal.Cast<byte, float>(x);
        var yf = MemoryMarshal.Cast<byte, float>(y);
        int c = _channels;
        for (int n = 0; n < _batch; n++)
            for (int oy = 0; oy < _outH; oy++)
                for (int ox = 0; ox < _outW; ox++)
                {
                    int baseIn = n * _inH * _inW;
                    int tl = (baseIn + _top[oy] * _inW + _left[ox]) * c, tr = (baseIn + _top[oy] * _inW + _right[ox]) * c;
                    int bl = (baseIn + _bottom[oy] * _inW + _left[ox]) * c, br = (baseIn + _bottom[oy] * _inW + _right[ox]) * c;
                    int dst = ((n * _outH + oy) * _outW + ox) * c;
                    if (_quantized)
                    {
                        int ah = _alphaX[ox], av = _alphaY[oy];
                        for (int ch = 0; ch < c; ch++)
                        {
                            int vtl = x[tl + ch], vtr = x[tr + ch], vbl = x[bl + ch], vbr = x[br + ch];
                            int top = (vtl << 11) + (vtr - vtl) * ah;
                            int bottom = (vbl << 11) + (vbr - vbl) * ah;
                            int acc = (top << 11) + (bottom - top) * av;
                            y[dst + ch] = (byte)((acc + 0x00200000) >> 22);
                        }
                    }
                    else
                    {
                        float ah = _fx[ox], av = _fy[oy];
                        for (int ch = 0; ch < c; ch++)
                        {
                            float top = xf[tl + ch] + (xf[tr + ch] - xf[tl + ch]) * ah;
                            float bottom = xf[bl + ch] + (xf[br + ch] - xf[bl + ch]) * ah;
                            yf[dst + ch] = top + (bottom - top) * av;
                        }
                    }
                }
    }
}
