using MobileNets.Kernels;
using MobileNets.Layers;

namespace MobileNets.Architectures;

/// <summary>
/// One convolution as the weight file names it: <c>{Name}.weight</c> [Out, In/Groups, K, K] (or [Out, In]
/// when <see cref="Linear"/>), <c>{Name}.bias</c> when <see cref="Bias"/>, and BatchNorm tensors under
/// <see cref="Norm"/> (folded into the convolution at load).
/// </summary>
internal sealed record ConvSpec(
    string Name, int In, int Out, int Kernel,
    int Stride = 1, int Dilation = 1, int Groups = 1,
    Padding Padding = default,
    bool Bias = false, string? Norm = null, double NormEps = 1e-5,
    Activation Act = Activation.None, bool Linear = false)
{
    /// <summary>PyTorch padding that keeps the size at stride 1: (k - 1) / 2 * dilation.</summary>
    public static Padding TorchPadding(int kernel, int dilation = 1) => Padding.Symmetric((kernel - 1) / 2 * dilation);

    public int[] WeightShape => Linear ? [Out, In] : [Out, In / Groups, Kernel, Kernel];
}

/// <summary>The resolved network, block by block, with every channel count already rounded.</summary>
internal abstract record LayerSpec;

internal sealed record ConvBlockSpec(ConvSpec Conv, bool Residual = false) : LayerSpec;

internal sealed record SqueezeExciteSpec(ConvSpec Reduce, ConvSpec Expand);

internal sealed record InvertedResidualSpec(ConvSpec? Expand, ConvSpec? Depthwise, SqueezeExciteSpec? Se, ConvSpec Project, bool Residual) : LayerSpec;

internal sealed record GlobalPoolSpec : LayerSpec;

/// <summary>An architecture at one width and class count, ready to bind weights to.</summary>
internal sealed record NetworkSpec(string Architecture, double Width, int NumClasses, IReadOnlyList<LayerSpec> Layers)
{
    /// <summary>Every convolution in execution order.</summary>
    public IEnumerable<ConvSpec> Convolutions()
    {
        foreach (var layer in Layers)
            switch (layer)
            {
                case ConvBlockSpec c: yield return c.Conv; break;
                case InvertedResidualSpec ir:
                    if (ir.Expand != null) yield return ir.Expand;
                    if (ir.Depthwise != null) yield return ir.Depthwise;
                    if (ir.Se != null) { yield return ir.Se.Reduce; yield return ir.Se.Expand; }
                    yield return ir.Project;
                    break;
            }
    }
}
