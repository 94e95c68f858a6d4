using MobileNets.Detection.Boxes;
using MobileNets.Detection.Heads;

namespace MobileNets.Detection.Postprocessing;

/// <summary>A detection before naming: box in the caller's image pixels.</summary>
internal readonly record struct RawDetection(float X1, float Y1, float X2, float Y2, int Label, float Score);

/// <summary>
/// ssd.py <c>SSD.postprocess_detections</c> then transform.py <c>postprocess</c>: softmax over
/// classes, boxes decoded and clipped to the network input, per foreground class the scores above
/// the threshold and of those the top k, class-wise NMS, the best detections kept, boxes scaled to
/// the original image size.
/// </summary>
internal sealed class DetectionPostprocessor(BoxCoder coder, DetectionSettings settings)
{
    public DetectionSettings Settings => settings;

    /// <param name="anchors">Default boxes (x1, y1, x2, y2) in network-input pixels.</param>
    /// <param name="inputSize">The network input size (what the boxes are clipped to).</param>
    /// <param name="originalSize">The caller's image size (what the boxes are scaled to).</param>
    public List<RawDetection> Run(HeadOutputs head, ReadOnlySpan<float> anchors, (int Height, int Width) inputSize, (int Height, int Width) originalSize)
    {
        int a = head.Anchors, k = head.NumClasses;
        var boxes = new float[a * 4];
        coder.Decode(head.BoxRegression, anchors, boxes);
        BoxOps.Clip(boxes, inputSize.Height, inputSize.Width);
        var scores = Softmax(head.ClassLogits, a, k);

        var candidateBoxes = new List<float>();
        var candidateScores = new List<float>();
        var candidateLabels = new List<int>();
        var classScores = new float[a];
        var passing = new List<int>();
        for (int label = 1; label < k; label++)
        {
            passing.Clear();
            for (int i = 0; i < a; i++)
                if (scores[i * k + label] > settings.ScoreThreshold) passing.Add(i);
            var passingScores = passing.Select(i => scores[i * k + label]).ToArray();
            var order = NonMaximumSuppression.DescendingOrder(passingScores);
            int top = Math.Min(settings.TopKCandidates, order.Length);
            for (int t = 0; t < top; t++)
            {
                int anchor = passing[order[t]];
                candidateBoxes.AddRange(boxes.AsSpan(anchor * 4, 4));
                candidateScores.Add(passingScores[order[t]]);
                candidateLabels.Add(label);
            }
        }

        var keep = NonMaximumSuppression.Batched(candidateBoxes.ToArray(), candidateScores.ToArray(), candidateLabels.ToArray(), settings.NmsThreshold);
        var result = new List<RawDetection>(Math.Min(keep.Count, settings.DetectionsPerImage));
        foreach (int i in keep.Take(settings.DetectionsPerImage))
        {
            var (x1, y1, x2, y2) = BoxOps.Resize(candidateBoxes[4 * i], candidateBoxes[4 * i + 1], candidateBoxes[4 * i + 2], candidateBoxes[4 * i + 3],
                inputSize, originalSize);
            result.Add(new RawDetection(x1, y1, x2, y2, candidateLabels[i], candidateScores[i]));
        }
        return result;
    }

    /// <summary>torch softmax over the last dimension: exp(x - max), times the reciprocal of the sum.</summary>
    static float[] Softmax(float[] logits, int rows, int columns)
    {
        var p = new float[logits.Length];
        for (int r = 0; r < rows; r++)
        {
            var x = logits.AsSpan(r * columns, columns);
            var y = p.AsSpan(r * columns, columns);
            float max = float.NegativeInfinity;
            foreach (var v in x) max = MathF.Max(max, v);
            float sum = 0;
            for (int c = 0; c < columns; c++) sum += y[c] = MathF.Exp(x[c] - max);
            float inv = 1f / sum;
            for (int c = 0; c < columns; c++) y[c] *= inv;
        }
        return p;
    }
}
