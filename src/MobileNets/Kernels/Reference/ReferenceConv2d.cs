using MobileNets.Tensors;

namespace MobileNets.Kernels.Reference;

/// <summary>
/// The plain scalar convolution every optimized kernel is held to: NHWC input, PyTorch-ordered
/// weights [out][in/groups][k][k], any groups, stride, dilation and padding, then bias and activation
/// and an optional residual. Deliberately naive.
/// </summary>
internal static class ReferenceConv2d
{
    public static float[] Run(ReadOnlySpan<float> x, FeatureShape s, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        int outChannels, int groups, ConvGeometry g, Activation act, ReadOnlySpan<float> residual = default)
    {
        int inPerGroup = s.Channels / groups, outPerGroup = outChannels / groups, k = g.Kernel;
        var y = new float[g.OutHeight * g.OutWidth * outChannels];
        for (int oy = 0; oy < g.OutHeight; oy++)
            for (int ox = 0; ox < g.OutWidth; ox++)
                for (int o = 0; o < outChannels; o++)
                {
                    int group = o / outPerGroup;
                    double acc = bias.IsEmpty ? 0 : bias[o];
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int iy = oy * g.Stride - g.PadTop + ky * g.Dilation, ix = ox * g.Stride - g.PadLeft + kx * g.Dilation;
                            if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                            for (int i = 0; i < inPerGroup; i++)
                                acc += (double)x[(iy * s.Width + ix) * s.Channels + group * inPerGroup + i] * weights[((o * inPerGroup + i) * k + ky) * k + kx];
                        }
                    int at = (oy * g.OutWidth + ox) * outChannels + o;
                    y[at] = Activations.Apply(act, (float)acc) + (residual.IsEmpty ? 0f : residual[at]);
                }
        return y;
    }
}
