using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MobileNets.Tensors;

namespace MobileNets.Kernels;

/// <summary>
/// A full (ungrouped) convolution as GEMM without im2col, as XNNPACK's indirect GEMM does it: each
/// tile of 6 output pixels gets a pointer per (tap, pixel) to its input channels (or to zeros in the
/// padding) and <see cref="Gemm.TileColumns{TS, TV, TAct}"/> reads A straight from the NHWC input, so
/// nothing is copied. Weights are the im2col packing, rows ordered (ky, kx, ci).
/// </summary>
internal static class IndirectConv
{
    /// <summary>Pointer slots per band: a band's tiles reuse one weight panel from L1 before the next.</summary>
    const int BandPointers = 1536;

    public static unsafe void Run(PackedGemmWeights b, ReadOnlySpan<float> x, FeatureShape s, Span<float> y, ConvGeometry g, Activation act,
        ReadOnlySpan<float> residual, int pixelStart, int pixelEnd)
    {
        int pixels = g.OutHeight * g.OutWidth;
        if (b.K != g.Kernel * g.Kernel * s.Channels || b.DepthSlice != b.K) throw new ArgumentException("indirect convolution weight shape mismatch (or sliced packing)");
        if (!Activations.IsFusable(act)) throw new ArgumentException($"{act} is not fused in kernels", nameof(act));
        if (x.Length < s.Size || pixelStart < 0 || pixelEnd > pixels || y.Length < (long)pixels * b.N
            || (!residual.IsEmpty && residual.Length < (long)pixels * b.N))
            throw new ArgumentException("indirect convolution buffers or pixel range out of bounds");
        if (pixelEnd <= pixelStart) return;
        var zeros = ZeroRow.Get(s.Channels);
        fixed (float* px = x, py = y, pr = residual, pz = zeros)
        {
            var args = new Args(b, px, s, py, pr, pz, g, pixelStart, pixelEnd);
            switch (b.Width)
            {
                case SimdWidth.V512: Dispatch<Simd512, Vector512<float>>(act, args); break;
                case SimdWidth.V256: Dispatch<Simd256, Vector256<float>>(act, args); break;
                case SimdWidth.V128: Dispatch<Simd128, Vector128<float>>(act, args); break;
                default: throw new ArgumentException("indirect convolution needs a vector width");
            }
        }
    }

    readonly unsafe struct Args(PackedGemmWeights b, float* x, FeatureShape s, float* y, float* r, float* zeros, ConvGeometry g, int p0, int p1)
    {
        public readonly PackedGemmWeights B = b;
        public readonly float* X = x, Y = y, R = r, Zeros = zeros;
        public readonly FeatureShape S = s;
        public readonly ConvGeometry G = g;
        public readonly int PixelStart = p0, PixelEnd = p1;
    }

    static void Dispatch<TS, TV>(Activation act, in Args a) where TS : ISimd<TV> where TV : struct
    {
        switch (act)
        {
            case Activation.None: Body<TS, TV, IdentityOp>(a); break;
            case Activation.ReLU: Body<TS, TV, ReluOp>(a); break;
            case Activation.ReLU6: Body<TS, TV, Relu6Op>(a); break;
            case Activation.HardSwish: Body<TS, TV, HardSwishOp>(a); break;
            case Activation.HardSigmoid: Body<TS, TV, HardSigmoidOp>(a); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Body<TS, TV, TAct>(in Args a) where TS : ISimd<TV> where TV : struct where TAct : IActivationOp
    {
        const int rows = Gemm.TileRows;
        var b = a.B;
        var g = a.G;
        var s = a.S;
        int k = g.Kernel, taps = k * k, cin = s.Channels, nr = b.PanelWidth, n = b.N;
        int tilesPerBand = Math.Max(1, BandPointers / (taps * rows));
        float** pointers = stackalloc float*[tilesPerBand * taps * rows];
        float* spill = stackalloc float[2 * 16];
        // Input offsets of the taps from a pixel's top-left tap: interior pixels need only these.
        int span = (k - 1) * g.Dilation;
        nint* tapOffsets = stackalloc nint[taps];
        for (int ky = 0, t = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++, t++) tapOffsets[t] = ((nint)ky * g.Dilation * s.Width + kx * g.Dilation) * cin;
        fixed (float* pw = b.Data, pbias = b.Bias)
            for (int band = a.PixelStart; band < a.PixelEnd; band += tilesPerBand * rows)
            {
                int bandEnd = Math.Min(a.PixelEnd, band + tilesPerBand * rows), tiles = (bandEnd - band + rows - 1) / rows;
                int oy = band / g.OutWidth, ox = band - oy * g.OutWidth;
                for (int i = 0; i < tiles * rows; i++)
                {
                    float** slot = pointers + (i / rows) * taps * rows + i % rows;
                    if (band + i >= bandEnd)
                    {
                        // Rows past the band's end repeat its last pixel: computed, never stored.
                        float** previous = slot - 1;
                        for (int t = 0; t < taps; t++) slot[t * rows] = previous[t * rows];
                        continue;
                    }
                    int iy0 = oy * g.Stride - g.PadTop, ix0 = ox * g.Stride - g.PadLeft;
                    if (iy0 >= 0 && iy0 + span < s.Height && ix0 >= 0 && ix0 + span < s.Width)
                    {
                        float* origin = a.X + ((nint)iy0 * s.Width + ix0) * cin;
                        for (int t = 0; t < taps; t++) slot[t * rows] = origin + tapOffsets[t];
                    }
                    else
                        for (int ky = 0; ky < k; ky++)
                        {
                            int iy = iy0 + ky * g.Dilation;
                            for (int kx = 0; kx < k; kx++, slot += rows)
                            {
                                int ix = ix0 + kx * g.Dilation;
                                *slot = (uint)iy < (uint)s.Height && (uint)ix < (uint)s.Width ? a.X + ((long)iy * s.Width + ix) * cin : a.Zeros;
                            }
                        }
                    if (++ox == g.OutWidth) { ox = 0; oy++; }
                }
                // With 32 vector registers panels go two at a time (each A value feeds four multiply-adds).
                int step = TS.Lanes == 16 ? 2 : 1;
                for (int p = 0; p < b.Panels; p += step)
                {
                    int col = p * nr, valid = Math.Min(nr, n - col);
                    bool pair = step == 2 && p + 1 < b.Panels;
                    float* panel = pw + (long)p * b.K * nr;
                    for (int t = 0; t < tiles; t++)
                    {
                        int first = band + t * rows;
                        float* c = a.Y + (long)first * n + col;
                        float* r = a.R == null ? null : a.R + (long)first * n + col;
                        Gemm.TileColumns<TS, TV, TAct>(pointers + t * taps * rows, taps, cin, 1, panel, (nint)b.K * nr, nr, pbias + col, 0, true,
                            c, n, r, valid, pair ? Math.Min(nr, n - col - nr) : -1, spill, Math.Min(rows, bandEnd - first));
                    }
                }
            }
    }
}
