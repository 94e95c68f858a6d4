using MobileNets.Detection.Models;
using MobileNets.Weights;

namespace MobileNets.Detection.Tests;

/// <summary>Strict loading: every tensor of the file used, errors name the tensor.</summary>
public sealed class LoadingTests
{
    /// <summary>The fixture weights with one tensor hidden or one added.</summary>
    sealed class Edited(IWeightSource inner, string? drop = null, string? add = null) : IWeightSource
    {
        public string Source => inner.Source;
        public IReadOnlyDictionary<string, string> Metadata => inner.Metadata;
        public IEnumerable<string> Names => inner.Names.Where(n => n != drop).Concat(add == null ? [] : [add]);
        public bool TryGetShape(string name, out int[] shape)
        {
            if (name == add) { shape = [1]; return true; }
            if (name == drop) { shape = []; return false; }
            return inner.TryGetShape(name, out shape);
        }
        public float[] ReadFloat32(string name) => name == add ? [0f] : inner.ReadFloat32(name);
        public void Dispose() => inner.Dispose();
    }

    static IWeightSource Fixture() => WeightFiles.Open(DetectionFixtures.Path("ssdlite320_mobilenet_v3_large.safetensors"));

    [Fact]
    public void Width_and_classes_come_from_the_weights()
    {
        using var source = Fixture();
        var model = SsdLiteModel.Load(source);
        Assert.Equal(0.25, model.Width);
        Assert.Equal(6, model.NumClasses);
        Assert.Equal(3234, model.Anchors.Length / 4);
    }

    [Theory]
    [InlineData("head.regression_head.module_list.5.1.bias")]
    [InlineData("backbone.features.1.0.1.1.running_var")]
    [InlineData("backbone.extra.3.2.0.weight")]
    public void A_missing_tensor_is_named(string tensor)
    {
        using var source = new Edited(Fixture(), drop: tensor);
        var e = Assert.Throws<ModelFormatException>(() => SsdLiteModel.Load(source));
        Assert.Contains(tensor, e.Message);
    }

    [Theory]
    [InlineData("head.classification_head.module_list.6.1.bias")]
    [InlineData("backbone.features.2.weight")]
    [InlineData("anchor_generator.scales")]
    public void An_unexpected_tensor_is_named(string tensor)
    {
        using var source = new Edited(Fixture(), add: tensor);
        var e = Assert.Throws<ModelFormatException>(() => SsdLiteModel.Load(source));
        Assert.Contains(tensor, e.Message);
    }

    [Fact]
    public void Another_architecture_is_refused()
    {
        using var source = Fixture();
        Assert.Throws<ArgumentException>(() => SsdLiteModel.Load(source, "mobilenet_v3_large"));
    }
}

public sealed class ConcurrencyTests
{
    [Fact]
    public void One_detector_serves_parallel_calls_with_identical_results()
    {
        using var detector = ObjectDetector.Load(DetectionFixtures.Path("ssdlite320_mobilenet_v3_large.safetensors"));
        var images = Enumerable.Range(0, 4).Select(k =>
        {
            var image = new Imaging.RgbImage(60 + 7 * k, 45);
            for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)((i * (k + 3)) % 251);
            return image;
        }).ToArray();
        var sequential = images.Select(i => detector.Detect(i, 0.2f)).ToArray();
        var parallel = new IReadOnlyList<Detection>[images.Length];
        Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, k => parallel[k] = detector.Detect(images[k], 0.2f));
        for (int k = 0; k < images.Length; k++)
        {
            Assert.NotEmpty(sequential[k]);
            Assert.Equal(sequential[k], parallel[k]);
        }
    }
}
