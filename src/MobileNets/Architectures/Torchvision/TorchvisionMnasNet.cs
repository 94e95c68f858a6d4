using MobileNets.Kernels;

namespace MobileNets.Architectures.Torchvision;

/// <summary>
/// torchvision <c>models/mnasnet.py</c> (MnasNet-B1, state-dict version 2: the stem scales with alpha).
/// One flat <c>layers</c> Sequential: stem conv/BN/ReLU at 0-2, depthwise-separable at 3-7, six stacks
/// of inverted residuals at 8-13 (<c>layers.N.i.layers.{0,1,3,4,6,7}</c>), head conv/BN at 14-15;
/// classifier at <c>classifier.1</c>. BatchNorm eps is torch's default 1e-5 (the TF-style
/// momentum only matters in training). Version-1 checkpoints (fixed 32/16 stem) are not handled.
/// </summary>
internal static class TorchvisionMnasNet
{
    /// <summary>One _stack call: kernel, stride, expansion factor, repeats; channels come from <see cref="Depths"/>.</summary>
    readonly record struct Stack(int Kernel, int Stride, int Expansion, int Repeats);

    static readonly Stack[] Stacks =
    [
        new(3, 2, 3, 3),
        new(5, 2, 3, 3),
        new(5, 2, 6, 3),
        new(3, 1, 6, 2),
        new(5, 2, 6, 4),
        new(3, 1, 6, 1),
    ];

    /// <summary>_get_depths: round every depth times alpha to a multiple of 8, never more than 10% down.</summary>
    public static int[] Depths(double alpha) =>
        [.. new[] { 32, 16, 24, 40, 80, 96, 192, 320 }.Select(d => Channels.MakeDivisible(d * alpha))];

    public static NetworkSpec Build(string id, double alpha, int numClasses)
    {
        var d = Depths(alpha);
        const Activation relu = Activation.ReLU;
        ConvSpec Conv(int index, int inC, int outC, int kernel, int stride = 1, int groups = 1, Activation act = Activation.None, string prefix = "layers") =>
            new($"{prefix}.{index}", inC, outC, kernel, Stride: stride, Groups: groups, Padding: ConvSpec.TorchPadding(kernel),
                Norm: $"{prefix}.{index + 1}", Act: act);

        var layers = new List<LayerSpec>
        {
            new ConvBlockSpec(Conv(0, 3, d[0], 3, stride: 2, act: relu)),
            new InvertedResidualSpec(null, Conv(3, d[0], d[0], 3, groups: d[0], act: relu), null, Conv(6, d[0], d[1], 1), Residual: false),
        };
        int inC = d[1];
        for (int s = 0; s < Stacks.Length; s++)
        {
            var stack = Stacks[s];
            int outC = d[s + 2];
            for (int i = 0; i < stack.Repeats; i++)
            {
                int stride = i == 0 ? stack.Stride : 1;
                int mid = inC * stack.Expansion;
                string p = $"layers.{8 + s}.{i}.layers";
                layers.Add(new InvertedResidualSpec(
                    Conv(0, inC, mid, 1, act: relu, prefix: p),
                    Conv(3, mid, mid, stack.Kernel, stride, groups: mid, act: relu, prefix: p),
                    null,
                    Conv(6, mid, outC, 1, prefix: p),
                    Residual: inC == outC && stride == 1));
                inC = outC;
            }
        }
        layers.Add(new ConvBlockSpec(Conv(14, inC, 1280, 1, act: relu)));
        layers.Add(new GlobalPoolSpec());
        layers.Add(new ConvBlockSpec(new ConvSpec("classifier.1", 1280, numClasses, 1, Bias: true, Linear: true)));
        return new NetworkSpec(id, alpha, numClasses, layers);
    }
}
