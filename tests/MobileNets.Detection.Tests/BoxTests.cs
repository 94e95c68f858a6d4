using MobileNets.Detection.Anchors;
using MobileNets.Detection.Boxes;

namespace MobileNets.Detection.Tests;

public sealed class BoxTests
{
    [Fact]
    public void Default_boxes_follow_the_ssdlite_scales()
    {
        // 320 input: maps of 20, 10, 5, 3, 2, 1 cells, 6 boxes per cell.
        var boxes = DefaultBoxGenerator.SsdLite.Boxes([(20, 20), (10, 10), (5, 5), (3, 3), (2, 2), (1, 1)], 320, 320);
        Assert.Equal((400 + 100 + 25 + 9 + 4 + 1) * 6 * 4, boxes.Length);
        // First cell of the first map: centre (8, 8) px, s_0 = 0.2 -> a 64 px square.
        Assert.Equal([8f - 32f, 8f - 32f, 8f + 32f, 8f + 32f], boxes[..4]);
        // Second box: s' = sqrt(0.2 * 0.35).
        float half = (float)Math.Sqrt(0.2 * 0.35) * 0.5f * 320f;
        Assert.Equal(8f - half, boxes[4], 1e-4f);
        // Third box: aspect 2 -> w = 0.2 sqrt 2, h = 0.2 / sqrt 2.
        Assert.Equal(8f - (float)(0.2 * Math.Sqrt(2)) * 0.5f * 320f, boxes[8], 1e-4f);
        Assert.Equal(8f - (float)(0.2 / Math.Sqrt(2)) * 0.5f * 320f, boxes[9], 1e-4f);
        // The last map (1x1, s_5 = 0.95): aspect 3 gives w = 0.95 sqrt 3 > 1, clipped to the whole width.
        var last = boxes.AsSpan(boxes.Length - 6 * 4);
        Assert.Equal(0f, last[4 * 4]);
        Assert.Equal(320f, last[4 * 4 + 2]);
    }

    [Fact]
    public void Zero_codes_decode_to_the_reference_box_and_scales_are_clamped()
    {
        var boxes = new float[8];
        BoxCoder.Ssd.Decode([0, 0, 0, 0, 10, -20, 100, 100], [10, 20, 50, 100, 0, 0, 10, 10], boxes);
        Assert.Equal([10f, 20f, 50f, 100f], boxes[..4]);
        // dx = 10 / 10 = 1 box width right, dy = -20 / 10 = 2 heights up; dw = dh = 100 / 5 clamped to log(1000 / 16).
        float size = 10f * MathF.Exp(BoxCoder.ScaleClip);
        Assert.Equal(15f - size / 2, boxes[4], 1e-3f);
        Assert.Equal(-15f - size / 2, boxes[5], 1e-3f);
        Assert.Equal(625f, size, 1e-2f);
    }

    [Fact]
    public void Nms_drops_overlaps_above_the_threshold_only()
    {
        float[] boxes = [0, 0, 10, 10, 1, 0, 11, 10, 0, 0, 10, 5, 20, 20, 30, 30];
        // IoU(0, 1) = 90 / 110 = 0.82; IoU(0, 2) = 0.5; box 3 is apart.
        var keep = NonMaximumSuppression.Run(boxes, [0.9f, 0.8f, 0.7f, 0.6f], 0.55);
        Assert.Equal([0, 2, 3], keep);
        Assert.Equal([1, 0, 2, 3], NonMaximumSuppression.Run(boxes, [0.8f, 0.9f, 0.7f, 0.6f], 0.95));
    }

    [Fact]
    public void Batched_nms_never_suppresses_across_classes_on_either_path()
    {
        float[] pair = [0, 0, 10, 10, 0, 0, 10, 10];
        Assert.Equal([0, 1], NonMaximumSuppression.Batched(pair, [0.9f, 0.8f], [1, 2], 0.55));
        Assert.Equal([0], NonMaximumSuppression.Batched(pair, [0.9f, 0.8f], [1, 1], 0.55));
        // Over 4000 coordinates: the per-class path, merged by descending score.
        int n = 1002;
        var boxes = new float[n * 4];
        var scores = new float[n];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            boxes[4 * i] = 100 * (i / 2); boxes[4 * i + 2] = 100 * (i / 2) + 10; boxes[4 * i + 3] = 10;
            scores[i] = 1f - i * 1e-4f;
            labels[i] = 1 + i % 2;
        }
        var keep = NonMaximumSuppression.Batched(boxes, scores, labels, 0.55);
        Assert.Equal(Enumerable.Range(0, n), keep);
    }
}
