using MobileNets.Detection.Models;
using MobileNets.Weights;

namespace MobileNets.Detection.Tests;

/// <summary>The whole model against torchvision 0.14's ssdlite320_mobilenet_v3_large on the fixtures.</summary>
public sealed class HeadParityTests(ITestOutputHelper output)
{
    public static TheoryData<DetectionCase> Cases => DetectionFixtures.Cases;

    [Theory, MemberData(nameof(Cases))]
    public void Head_outputs_match_torchvision(DetectionCase c)
    {
        using var io = SafeTensorsFile.Open(DetectionFixtures.Path(c.Io));
        var model = SsdLiteModel.Load(DetectionFixtures.Path(c.Weights), settings: DetectionFixtures.Settings(io));
        foreach (var image in DetectionFixtures.Images(io))
        {
            var head = model.Head(image.Input, image.Height, image.Width);
            double reg = DetectionFixtures.RelativeError(head.BoxRegression, image.BoxRegression);
            double cls = DetectionFixtures.RelativeError(head.ClassLogits, image.ClassLogits);
            output.WriteLine($"{c.Case} {image.Height}x{image.Width}: bbox_regression {reg:E2}, cls_logits {cls:E2} (relative to max|ref|)");
            Assert.True(reg <= 1e-4, $"bbox_regression off by {reg:E2} of scale");
            Assert.True(cls <= 1e-4, $"cls_logits off by {cls:E2} of scale");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Torchvision_detections_are_found_in_ours(DetectionCase c)
    {
        using var io = SafeTensorsFile.Open(DetectionFixtures.Path(c.Io));
        var model = SsdLiteModel.Load(DetectionFixtures.Path(c.Weights), settings: DetectionFixtures.Settings(io));
        foreach (var image in DetectionFixtures.Images(io))
        {
            var ours = model.Detect(image.Input, image.Height, image.Width);
            Assert.Equal(image.Scores.Length, ours.Count);
            double worstBox = 0, worstScore = 0;
            for (int i = 0; i < image.Scores.Length; i++)
            {
                var match = ours.Where(d => d.Label == image.Labels[i] && Math.Abs(d.Score - image.Scores[i]) <= 1e-4)
                    .Select(d => (d, Box: BoxDistance(d, image.Boxes.AsSpan(4 * i, 4))))
                    .OrderBy(m => m.Box).FirstOrDefault();
                Assert.True(match.d.Label != 0, $"torchvision detection {i} (label {image.Labels[i]}, score {image.Scores[i]}) not found");
                Assert.True(match.Box <= 0.05, $"detection {i}: box off by {match.Box} px");
                worstBox = Math.Max(worstBox, match.Box);
                worstScore = Math.Max(worstScore, Math.Abs(match.d.Score - image.Scores[i]));
            }
            output.WriteLine($"{c.Case} {image.Height}x{image.Width}: {ours.Count} detections, worst box {worstBox:E2} px, worst score {worstScore:E2}");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Postprocessing_of_torchvision_head_outputs_reproduces_its_detections_in_order(DetectionCase c)
    {
        using var io = SafeTensorsFile.Open(DetectionFixtures.Path(c.Io));
        var model = SsdLiteModel.Load(DetectionFixtures.Path(c.Weights), settings: DetectionFixtures.Settings(io));
        foreach (var image in DetectionFixtures.Images(io))
        {
            var head = new Heads.HeadOutputs(image.BoxRegression, image.ClassLogits, image.BoxRegression.Length / 4, model.NumClasses);
            var ours = model.Postprocess(head, image.Height, image.Width);
            Assert.Equal(image.Scores.Length, ours.Count);
            for (int i = 0; i < ours.Count; i++)
            {
                Assert.Equal(image.Labels[i], ours[i].Label);
                Assert.Equal(image.Scores[i], ours[i].Score, 1e-6f);
                Assert.True(BoxDistance(ours[i], image.Boxes.AsSpan(4 * i, 4)) <= 1e-3, $"detection {i}: box differs");
            }
        }
    }

    static double BoxDistance(Postprocessing.RawDetection d, ReadOnlySpan<float> box) =>
        new[] { Math.Abs(d.X1 - box[0]), Math.Abs(d.Y1 - box[1]), Math.Abs(d.X2 - box[2]), Math.Abs(d.Y2 - box[3]) }.Max();
}
