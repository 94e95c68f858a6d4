using System.Runtime.InteropServices;
using MobileNets.Detection.Models;
using MobileNets.Weights;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>infer --arch ssdlite320_mobilenet_v3_large</c>: <c>input</c> (N,3,H,W) in [0, 1] at any size;
/// writes <c>bbox_regression</c> (N,A,4) and <c>cls_logits</c> (N,A,classes) of the head on the
/// transformed images, and per image i <c>boxes.i</c> (D,4; x1 y1 x2 y2 in input pixels),
/// <c>scores.i</c> (D) and <c>labels.i</c> (D, I64 as torchvision's int64), with torchvision's
/// default post-processing (score 0.001, NMS 0.55, 300 per class, 300 per image).
/// </summary>
internal static class DetectionInfer
{
    public static bool Handles(string? architecture) => architecture == SsdLiteModel.ArchitectureId;

    public static int Run(string modelPath, string? architecture, float[] input, int[] shape, string outputPath)
    {
        var model = SsdLiteModel.Load(modelPath, architecture);
        int n = shape[0], h = shape[2], w = shape[3], image = 3 * h * w;
        var entries = new List<SafeTensorsWriter.Entry>();
        var regression = new List<float>();
        var logits = new List<float>();
        int anchors = 0;
        for (int i = 0; i < n; i++)
        {
            var chw = input.AsSpan(i * image, image);
            var head = model.Head(chw, h, w);
            anchors = head.Anchors;
            regression.AddRange(head.BoxRegression);
            logits.AddRange(head.ClassLogits);
            var detections = model.Postprocess(head, h, w);
            entries.Add(SafeTensorsWriter.Float32($"boxes.{i}", [detections.Count, 4], detections.SelectMany(d => new[] { d.X1, d.Y1, d.X2, d.Y2 }).ToArray()));
            entries.Add(SafeTensorsWriter.Float32($"scores.{i}", [detections.Count], detections.Select(d => d.Score).ToArray()));
            long[] labels = detections.Select(d => (long)d.Label).ToArray();
            entries.Add(new SafeTensorsWriter.Entry($"labels.{i}", TensorDType.I64, [detections.Count], MemoryMarshal.AsBytes(labels.AsSpan()).ToArray()));
        }
        entries.Insert(0, SafeTensorsWriter.Float32("bbox_regression", [n, anchors, 4], regression.ToArray()));
        entries.Insert(1, SafeTensorsWriter.Float32("cls_logits", [n, anchors, model.NumClasses], logits.ToArray()));
        SafeTensorsWriter.Write(outputPath, entries);
        return CommandLine.Ok;
    }
}
