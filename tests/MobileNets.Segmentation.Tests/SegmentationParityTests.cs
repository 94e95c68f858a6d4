using MobileNets.Segmentation.Models;
using MobileNets.Tensors;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Tests;

/// <summary>One torchvision reference run (tools/reference/make_head_fixtures.py).</summary>
public sealed record SegmentationCase(string Case, string Architecture, bool Aux)
{
    public override string ToString() => Case;
}

/// <summary>The models against torchvision 0.14 on the fixtures: <c>out</c> (and <c>aux</c>) within 1e-4 of scale, same argmax.</summary>
public sealed class SegmentationParityTests(ITestOutputHelper output)
{
    public static TheoryData<SegmentationCase> Cases => new(
        new SegmentationCase("lraspp_mobilenet_v3_large", SegmentationModel.LrAspp, false),
        new SegmentationCase("deeplabv3_mobilenet_v3_large", SegmentationModel.DeepLabV3, false),
        new SegmentationCase("deeplabv3_mobilenet_v3_large_aux", SegmentationModel.DeepLabV3, true));

    internal static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    [Theory, MemberData(nameof(Cases))]
    public void Output_matches_torchvision(SegmentationCase c)
    {
        var model = SegmentationModel.Load(Fixture(c.Case + ".safetensors"));
        Assert.Equal(c.Architecture, model.Architecture);
        Assert.Equal(c.Aux, model.HasAuxiliary);
        using var io = SafeTensorsFile.Open(Fixture(c.Case + ".io.safetensors"));
        var input = io.Get("input");
        int n = input.Shape[0], h = input.Shape[2], w = input.Shape[3];
        var x = io.ReadFloat32(input);
        var expected = io.ReadFloat32("out");
        var expectedAux = c.Aux ? io.ReadFloat32("aux") : null;
        int plane = model.NumClasses * h * w;
        for (int i = 0; i < n; i++)
        {
            var (logits, aux) = model.Forward(x.AsSpan(i * 3 * h * w, 3 * h * w), h, w);
            var ours = Planes(logits, h, w, model.NumClasses);
            var reference = expected.AsSpan(i * plane, plane);
            double err = RelativeError(ours, reference);
            int disagreements = ArgmaxDisagreements(ours, reference, model.NumClasses, h * w, out int ambiguous);
            output.WriteLine($"{c.Case} image {i} {h}x{w}: out {err:E2} of scale, argmax differs at {disagreements} of {h * w} pixels ({ambiguous} within tolerance)");
            Assert.True(err <= 1e-4, $"out off by {err:E2} of scale");
            Assert.True(disagreements == 0, $"argmax differs at {disagreements} pixels where torchvision's margin exceeds the tolerance");
            if (c.Aux)
            {
                double auxErr = RelativeError(Planes(aux!, h, w, model.NumClasses), expectedAux.AsSpan(i * plane, plane));
                output.WriteLine($"  aux {auxErr:E2} of scale");
                Assert.True(auxErr <= 1e-4, $"aux off by {auxErr:E2} of scale");
            }
            else Assert.Null(aux);
        }
    }

    static float[] Planes(float[] hwc, int h, int w, int k)
    {
        var chw = new float[hwc.Length];
        Layout.HwcToChw(hwc, chw, new FeatureShape(h, w, k));
        return chw;
    }

    internal static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        Assert.True(scale > 0, "reference is all zeros");
        return diff / scale;
    }

    /// <summary>
    /// Pixels whose argmax differs, not counting those where torchvision's best two classes are
    /// closer than the parity tolerance (1e-4 of scale; counted in <paramref name="ambiguous"/>).
    /// </summary>
    static int ArgmaxDisagreements(ReadOnlySpan<float> ours, ReadOnlySpan<float> reference, int k, int pixels, out int ambiguous)
    {
        float scale = 0;
        foreach (var v in reference) scale = Math.Max(scale, Math.Abs(v));
        int differ = 0;
        ambiguous = 0;
        for (int p = 0; p < pixels; p++)
        {
            int a = 0, b = 0;
            for (int c = 1; c < k; c++)
            {
                if (ours[c * pixels + p] > ours[a * pixels + p]) a = c;
                if (reference[c * pixels + p] > reference[b * pixels + p]) b = c;
            }
            if (a == b) continue;
            if (reference[b * pixels + p] - reference[a * pixels + p] <= 2e-4 * scale) ambiguous++;
            else differ++;
        }
        return differ;
    }
}
