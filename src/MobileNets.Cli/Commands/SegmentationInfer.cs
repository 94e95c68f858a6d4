using MobileNets.Segmentation.Models;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>infer --arch lraspp_mobilenet_v3_large | deeplabv3_mobilenet_v3_large</c>: <c>input</c>
/// (N,3,H,W) already normalized; writes <c>out</c> (N,classes,H,W), and <c>aux</c> (same shape)
/// when the weights hold DeepLabV3's auxiliary classifier.
/// </summary>
internal static class SegmentationInfer
{
    public static bool Handles(string? architecture) => architecture != null && SegmentationModel.Architectures.Contains(architecture);

    public static int Run(string modelPath, string? architecture, float[] input, int[] shape, string outputPath)
    {
        var model = SegmentationModel.Load(modelPath, architecture);
        int n = shape[0], h = shape[2], w = shape[3], image = 3 * h * w, k = model.NumClasses, plane = k * h * w;
        var output = new float[n * plane];
        var aux = model.HasAuxiliary ? new float[n * plane] : null;
        var mapShape = new FeatureShape(h, w, k);
        for (int i = 0; i < n; i++)
        {
            var (logits, auxLogits) = model.Forward(input.AsSpan(i * image, image), h, w);
            Layout.HwcToChw(logits, output.AsSpan(i * plane, plane), mapShape);
            if (aux != null) Layout.HwcToChw(auxLogits!, aux.AsSpan(i * plane, plane), mapShape);
        }
        var entries = new List<SafeTensorsWriter.Entry> { SafeTensorsWriter.Float32("out", [n, k, h, w], output) };
        if (aux != null) entries.Add(SafeTensorsWriter.Float32("aux", [n, k, h, w], aux));
        SafeTensorsWriter.Write(outputPath, entries);
        return CommandLine.Ok;
    }
}
