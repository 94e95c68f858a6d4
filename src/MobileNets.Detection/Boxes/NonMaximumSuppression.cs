namespace MobileNets.Detection.Boxes;

/// <summary>
/// Greedy non-maximum suppression as torchvision's CPU kernel (csrc/ops/cpu/nms_kernel.cpp): boxes
/// visited by descending score (stable), each kept box suppresses every later one whose IoU with it
/// exceeds the threshold; IoU in float32, compared in double.
/// </summary>
internal static class NonMaximumSuppression
{
    /// <summary>Indices of the kept boxes, by descending score.</summary>
    public static List<int> Run(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold)
    {
        int n = scores.Length;
        var order = DescendingOrder(scores);
        var areas = new float[n];
        for (int i = 0; i < n; i++) areas[i] = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
        var suppressed = new bool[n];
        var keep = new List<int>();
        for (int a = 0; a < n; a++)
        {
            int i = order[a];
            if (suppressed[i]) continue;
            keep.Add(i);
            float ix1 = boxes[4 * i], iy1 = boxes[4 * i + 1], ix2 = boxes[4 * i + 2], iy2 = boxes[4 * i + 3];
            for (int b = a + 1; b < n; b++)
            {
                int j = order[b];
                if (suppressed[j]) continue;
                float w = MathF.Max(0f, MathF.Min(ix2, boxes[4 * j + 2]) - MathF.Max(ix1, boxes[4 * j]));
                float h = MathF.Max(0f, MathF.Min(iy2, boxes[4 * j + 3]) - MathF.Max(iy1, boxes[4 * j + 1]));
                float inter = w * h;
                float iou = inter / (areas[i] + areas[j] - inter);
                if (iou > iouThreshold) suppressed[j] = true;
            }
        }
        return keep;
    }

    /// <summary>
    /// Class-wise NMS (ops/boxes.py <c>batched_nms</c>): above 4000 coordinates torchvision runs NMS per
    /// class and merges by descending score; below it shifts each class's boxes by
    /// label * (max coordinate + 1) and runs one NMS. Both paths are reproduced because the shifted
    /// coordinates round differently.
    /// </summary>
    public static List<int> Batched(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double iouThreshold)
    {
        int n = scores.Length;
        if (n == 0) return [];
        if (boxes.Length > 4000) return PerClass(boxes, scores, labels, iouThreshold);
        float max = float.NegativeInfinity;
        foreach (var v in boxes) max = MathF.Max(max, v);
        var shifted = new float[boxes.Length];
        for (int i = 0; i < n; i++)
        {
            float offset = labels[i] * (max + 1f);
            for (int c = 0; c < 4; c++) shifted[4 * i + c] = boxes[4 * i + c] + offset;
        }
        return Run(shifted, scores, iouThreshold);
    }

    static List<int> PerClass(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double iouThreshold)
    {
        var kept = new List<int>();
        var byClass = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var members)) byClass[labels[i]] = members = [];
            members.Add(i);
        }
        foreach (var members in byClass.Values)
        {
            var classBoxes = new float[members.Count * 4];
            var classScores = new float[members.Count];
            for (int m = 0; m < members.Count; m++)
            {
                boxes.Slice(members[m] * 4, 4).CopyTo(classBoxes.AsSpan(m * 4));
                classScores[m] = scores[members[m]];
            }
            foreach (int k in Run(classBoxes, classScores, iouThreshold)) kept.Add(members[k]);
        }
        // keep_indices = where(keep_mask) (index order), then sorted by descending score.
        kept.Sort();
        var keptScores = new float[kept.Count];
        for (int i = 0; i < kept.Count; i++) keptScores[i] = scores[kept[i]];
        var order = DescendingOrder(keptScores);
        return order.Select(o => kept[o]).ToList();
    }

    /// <summary>Indices by descending value; equal values keep index order.</summary>
    public static int[] DescendingOrder(ReadOnlySpan<float> values)
    {
        var keys = values.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(order, (a, b) => keys[b].CompareTo(keys[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return order;
    }
}
