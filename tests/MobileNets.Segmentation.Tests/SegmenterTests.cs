using MobileNets.Imaging;
using MobileNets.Segmentation.Models;
using MobileNets.Segmentation.Transforms;
using MobileNets.Weights;

namespace MobileNets.Segmentation.Tests;

public sealed class SegmenterTests
{
    static RgbImage Pattern(int w, int h)
    {
        var image = new RgbImage(w, h);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i * 13 % 251);
        return image;
    }

    [Theory]
    [InlineData("lraspp_mobilenet_v3_large", "lraspp_mobilenet_v3_large")]
    [InlineData("deeplabv3_mobilenet_v3_large_aux", "deeplabv3_mobilenet_v3_large")]
    public void Segment_returns_a_class_per_input_pixel(string fixture, string architecture)
    {
        using var segmenter = SemanticSegmenter.Load(SegmentationParityTests.Fixture(fixture + ".safetensors"));
        Assert.Equal(architecture, segmenter.Architecture);
        var image = Pattern(37, 23);
        var result = segmenter.Segment(image, includeLogits: true);
        Assert.Equal((37, 23), (result.Width, result.Height));
        Assert.Equal(37 * 23, result.PixelCounts.Sum());
        Assert.Equal(segmenter.NumClasses * 37 * 23, result.Logits!.Length);
        // The class map is the argmax of the returned logits.
        for (int p = 0; p < 37 * 23; p++)
        {
            int best = 0;
            for (int c = 1; c < segmenter.NumClasses; c++)
                if (result.Logits[c * 37 * 23 + p] > result.Logits[best * 37 * 23 + p]) best = c;
            Assert.Equal(best, result.ClassMap[p]);
        }
        Assert.Null(segmenter.Segment(image).Logits);
    }

    [Fact]
    public void Segment_runs_the_model_on_the_520_shorter_side_image_then_resizes_the_logits()
    {
        using var segmenter = SemanticSegmenter.Load(SegmentationParityTests.Fixture("lraspp_mobilenet_v3_large.safetensors"));
        var model = SegmentationModel.Load(SegmentationParityTests.Fixture("lraspp_mobilenet_v3_large.safetensors"));
        var image = Pattern(40, 26);
        var (tensor, h, w) = SegmentationTransform.Apply(image);
        Assert.Equal((520, 800), (h, w));
        var (logits, _) = model.Forward(tensor, h, w);
        var expected = new float[26 * 40 * model.NumClasses];
        Kernels.BilinearResize.Run(logits, h, w, model.NumClasses, expected, 26, 40);
        var planes = new float[expected.Length];
        Tensors.Layout.HwcToChw(expected, planes, new Tensors.FeatureShape(26, 40, model.NumClasses));
        Assert.Equal(planes, segmenter.Segment(image, includeLogits: true).Logits);
    }

    [Fact]
    public void Lraspp_weights_with_an_auxiliary_classifier_are_refused_naming_the_tensor()
    {
        using var lraspp = WeightFiles.Open(SegmentationParityTests.Fixture("lraspp_mobilenet_v3_large.safetensors"));
        var e = Assert.Throws<ModelFormatException>(() => SegmentationModel.Load(new WithExtra(lraspp, "aux_classifier.4.bias")));
        Assert.Contains("aux_classifier.4.bias", e.Message);
    }

    [Fact]
    public void A_missing_head_tensor_is_named()
    {
        using var source = WeightFiles.Open(SegmentationParityTests.Fixture("deeplabv3_mobilenet_v3_large.safetensors"));
        var e = Assert.Throws<ModelFormatException>(() => SegmentationModel.Load(new Without(source, "classifier.0.convs.4.2.running_mean")));
        Assert.Contains("classifier.0.convs.4.2.running_mean", e.Message);
    }

    sealed class WithExtra(IWeightSource inner, string extra) : IWeightSource
    {
        public string Source => inner.Source;
        public IReadOnlyDictionary<string, string> Metadata => inner.Metadata;
        public IEnumerable<string> Names => inner.Names.Append(extra);
        public bool TryGetShape(string name, out int[] shape) { if (name == extra) { shape = [1]; return true; } return inner.TryGetShape(name, out shape); }
        public float[] ReadFloat32(string name) => name == extra ? [0f] : inner.ReadFloat32(name);
        public void Dispose() { }
    }

    sealed class Without(IWeightSource inner, string hidden) : IWeightSource
    {
        public string Source => inner.Source;
        public IReadOnlyDictionary<string, string> Metadata => inner.Metadata;
        public IEnumerable<string> Names => inner.Names.Where(n => n != hidden);
        public bool TryGetShape(string name, out int[] shape) { if (name == hidden) { shape = []; return false; } return inner.TryGetShape(name, out shape); }
        public float[] ReadFloat32(string name) => inner.ReadFloat32(name);
        public void Dispose() { }
    }
}
