using MobileNets.Kernels;
using static MobileNets.Kernels.Activation;

namespace MobileNets.Architectures.Torchvision;

/// <summary>
/// torchvision <c>models/mobilenetv3.py</c>: the paper's Tables 1 and 2 as bottleneck rows. The
/// detection and segmentation variants change the table (<c>reducedTail</c> halves the last stage,
/// <c>dilated</c> turns its stride into dilation 2), not the code.
/// </summary>
internal static class TorchvisionMobileNetV3
{
    /// <summary>One bneck_conf row: input, kernel, expanded and output channels before width scaling.</summary>
    readonly record struct Bneck(int In, int Kernel, int Expanded, int Out, bool SqueezeExcite, Activation Act, int Stride, bool LastStage = false);

    static readonly Bneck[] Large =
    [
        new(16, 3, 16, 16, false, ReLU, 1),
        new(16, 3, 64, 24, false, ReLU, 2),   // C1
        new(24, 3, 72, 24, false, ReLU, 1),
        new(24, 5, 72, 40, true, ReLU, 2),    // C2
        new(40, 5, 120, 40, true, ReLU, 1),
        new(40, 5, 120, 40, true, ReLU, 1),
        new(40, 3, 240, 80, false, HardSwish, 2), // C3
        new(80, 3, 200, 80, false, HardSwish, 1),
        new(80, 3, 184, 80, false, HardSwish, 1),
        new(80, 3, 184, 80, false, HardSwish, 1),
        new(80, 3, 480, 112, true, HardSwish, 1),
        new(112, 3, 672, 112, true, HardSwish, 1),
        new(112, 5, 672, 160, true, HardSwish, 2, LastStage: true), // C4
        new(160, 5, 960, 160, true, HardSwish, 1, LastStage: true),
        new(160, 5, 960, 160, true, HardSwish, 1, LastStage: true),
    ];

    static readonly Bneck[] Small =
    [
        new(16, 3, 16, 16, true, ReLU, 2),    // C1
        new(16, 3, 72, 24, false, ReLU, 2),   // C2
        new(24, 3, 88, 24, false, ReLU, 1),
        new(24, 5, 96, 40, true, HardSwish, 2), // C3
        new(40, 5, 240, 40, true, HardSwish, 1),
        new(40, 5, 240, 40, true, HardSwish, 1),
        new(40, 5, 120, 48, true, HardSwish, 1),
        new(48, 5, 144, 48, true, HardSwish, 1),
        new(48, 5, 288, 96, true, HardSwish, 2, LastStage: true), // C4
        new(96, 5, 576, 96, true, HardSwish, 1, LastStage: true),
        new(96, 5, 576, 96, true, HardSwish, 1, LastStage: true),
    ];

    public const double BatchNormEps = 0.001;

    public static NetworkSpec Build(string id, double width, int numClasses, bool small, bool reducedTail = false, bool dilated = false) =>
        new(id, width, numClasses, [.. Features(width, small, reducedTail, dilated), .. Classifier(width, small, reducedTail, numClasses)]);

    /// <summary>features.0 .. features.N: stem, bottlenecks, last 1x1 conv (what detection and segmentation reuse).</summary>
    public static List<LayerSpec> Features(double width, bool small, bool reducedTail = false, bool dilated = false)
    {
        int Adjust(int c) => Channels.MakeDivisible(c * width);
        int divider = reducedTail ? 2 : 1;
        var table = small ? Small : Large;
        int stem = Adjust(table[0].In);
        var layers = new List<LayerSpec>
        {
            new ConvBlockSpec(new ConvSpec("features.0.0", 3, stem, 3, Stride: 2, Padding: ConvSpec.TorchPadding(3), Norm: "features.0.1", NormEps: BatchNormEps, Act: HardSwish)),
        };
        int last = stem;
        for (int i = 0; i < table.Length; i++)
        {
            var row = table[i];
            // reduced_tail halves the last stage: the first row's output, then the later rows' every width.
            bool tail = row.LastStage && i > 0 && table[i - 1].LastStage;
            int inC = Adjust(tail ? row.In / divider : row.In);
            int exp = Adjust(tail ? row.Expanded / divider : row.Expanded);
            int outC = Adjust(row.LastStage ? row.Out / divider : row.Out);
            int dilation = row.LastStage && dilated ? 2 : 1;
            int stride = dilation > 1 ? 1 : row.Stride;
            string p = $"features.{i + 1}.block";
            int j = 0;
            ConvSpec? expand = null;
            if (exp != inC) expand = new ConvSpec($"{p}.{j}.0", inC, exp, 1, Norm: $"{p}.{j++}.1", NormEps: BatchNormEps, Act: row.Act);
            var dw = new ConvSpec($"{p}.{j}.0", exp, exp, row.Kernel, Stride: stride, Dilation: dilation, Groups: exp,
                Padding: ConvSpec.TorchPadding(row.Kernel, dilation), Norm: $"{p}.{j++}.1", NormEps: BatchNormEps, Act: row.Act);
            SqueezeExciteSpec? se = null;
            if (row.SqueezeExcite)
            {
                int squeeze = Channels.MakeDivisible(exp / 4);
                se = new SqueezeExciteSpec(
                    new ConvSpec($"{p}.{j}.fc1", exp, squeeze, 1, Bias: true, Act: ReLU),
                    new ConvSpec($"{p}.{j++}.fc2", squeeze, exp, 1, Bias: true, Act: HardSigmoid));
            }
            var project = new ConvSpec($"{p}.{j}.0", exp, outC, 1, Norm: $"{p}.{j}.1", NormEps: BatchNormEps);
            layers.Add(new InvertedResidualSpec(expand, dw, se, project, row.Stride == 1 && inC == outC));
            last = outC;
        }
        int n = table.Length + 1;
        layers.Add(new ConvBlockSpec(new ConvSpec($"features.{n}.0", last, 6 * last, 1, Norm: $"features.{n}.1", NormEps: BatchNormEps, Act: HardSwish)));
        return layers;
    }

    static IEnumerable<LayerSpec> Classifier(double width, bool small, bool reducedTail, int numClasses)
    {
        int lastConv = 6 * Channels.MakeDivisible((small ? 96 : 160) / (reducedTail ? 2 : 1) * width);
        int hidden = Channels.MakeDivisible((small ? 1024 : 1280) / (reducedTail ? 2 : 1) * width);
        yield return new GlobalPoolSpec();
        yield return new ConvBlockSpec(new ConvSpec("classifier.0", lastConv, hidden, 1, Bias: true, Act: HardSwish, Linear: true));
        yield return new ConvBlockSpec(new ConvSpec("classifier.3", hidden, numClasses, 1, Bias: true, Linear: true));
    }
}
