using System.Numerics.Tensors;
using MobileNets.Imaging;
using MobileNets.Models;
using MobileNets.Tests.Imaging;
using MobileNets.Tests.Models;
using MobileNets.Weights;

namespace MobileNets.Tests.Classification;

/// <summary>The public classifier API over a reference fixture model (random weights, so labels are "class i").</summary>
public class ImageClassifierTests
{
    // A committed fixture: its absence is a broken checkout, so this throws rather than skips.
    static ClassifierCase Fixture => ClassifierFixtures.All().First(c => c.Architecture == "mobilenet_v3_large");

    static RgbImage Synthetic(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var img = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                img.Pixels[i] = (byte)(x * 255 / width);
                img.Pixels[i + 1] = (byte)(y * 255 / height);
                img.Pixels[i + 2] = (byte)rng.Next(256);
            }
        return img;
    }

    [Fact]
    public void ProbabilitiesAreSoftmaxOfTheLogitsOfThePreprocessedInput()
    {
        var c = Fixture;
        string path = Path.Combine(ClassifierFixtures.Folder, c.Weights);
        using var classifier = ImageClassifier.Load(path, options: new ClassifierOptions { Threads = 1 });
        var image = Synthetic(301, 257, 1);
        var predictions = classifier.Classify(image, top: c.NumClasses);

        var input = classifier.Preprocess(image);
        Assert.Equal(3 * 224 * 224, input.Length);
        var model = ClassifierModel.Load(path);
        var expected = model.Logits(input, 1, 224, 224);
        TensorPrimitives.SoftMax(expected, expected);

        Assert.Equal(c.NumClasses, predictions.Count);
        for (int i = 0; i < predictions.Count; i++)
        {
            Assert.True(Math.Abs(expected[predictions[i].Index] - predictions[i].Probability) <= 1e-5f);
            Assert.Equal($"class {predictions[i].Index}", predictions[i].Label);
            if (i > 0) Assert.True(predictions[i - 1].Probability >= predictions[i].Probability);
        }
        Assert.Equal(1.0, predictions.Sum(p => p.Probability), 4);
    }

    /// <summary>
    /// Issue 3's bar against an independent reference: the generator decoded committed lossless
    /// images with PIL, ran the id's eval transform as torchvision defines it (Resize 256, CenterCrop
    /// 224, Normalize) and the fixture model in torch. Classify's probabilities (one image and a
    /// batch) must be softmax of those logits within 1e-5.
    /// </summary>
    [Fact]
    public void ProbabilitiesAreSoftmaxOfTheReferenceLogitsOfTheSameImages()
    {
        var c = ClassifierFixtures.All().First(x => x.Classify != null);
        using var reference = SafeTensorsFile.Open(Path.Combine(ClassifierFixtures.Folder, c.Classify!));
        string[] images = reference.Metadata["images"].Split(',');
        float[] logits = reference.ReadFloat32("logits");
        Assert.Equal([images.Length, c.NumClasses], reference.Get("logits").Shape);
        using var classifier = ImageClassifier.Load(Path.Combine(ClassifierFixtures.Folder, c.Weights), options: new ClassifierOptions { Threads = 1 });
        string[] paths = images.Select(ImagingFixtures.Input).ToArray();
        var batch = classifier.ClassifyBatch(paths, top: c.NumClasses, TestContext.Current.CancellationToken);

        for (int n = 0; n < images.Length; n++)
        {
            float[] expected = logits.AsSpan(n * c.NumClasses, c.NumClasses).ToArray();
            TensorPrimitives.SoftMax(expected, expected);
            foreach (var predictions in new[] { classifier.Classify(paths[n], top: c.NumClasses), batch[n] })
            {
                Assert.Equal(c.NumClasses, predictions.Count);
                foreach (var p in predictions)
                    Assert.True(Math.Abs(expected[p.Index] - p.Probability) <= 1e-5f,
                        $"{images[n]} class {p.Index}: probability {p.Probability}, softmax of the reference logits {expected[p.Index]}");
            }
        }
    }

    [Fact]
    public void EveryInputFormGivesTheSameAnswer()
    {
        var c = Fixture;
        using var classifier = ImageClassifier.Load(Path.Combine(ClassifierFixtures.Folder, c.Weights));
        var image = Synthetic(64, 48, 2);
        var expected = classifier.Classify(image, top: 3);
        var png = PngEncoder.Encode(image);
        string file = TestPaths.TempFile("synthetic.png");
        File.WriteAllBytes(file, png);

        Assert.Equal(expected, classifier.Classify(file, top: 3));
        Assert.Equal(expected, classifier.Classify(png, top: 3));
        Assert.Equal(expected, classifier.Classify(new MemoryStream(png), top: 3));
        Assert.Equal(expected, classifier.Classify(image.Pixels, image.Width, image.Height, image.Width * 3, PixelFormat.Rgb24, top: 3));
        var bgra = new byte[image.Width * image.Height * 4];
        for (int i = 0; i < image.Width * image.Height; i++)
        {
            bgra[4 * i] = image.Pixels[3 * i + 2]; bgra[4 * i + 1] = image.Pixels[3 * i + 1]; bgra[4 * i + 2] = image.Pixels[3 * i]; bgra[4 * i + 3] = 255;
        }
        Assert.Equal(expected, classifier.Classify(bgra, image.Width, image.Height, image.Width * 4, PixelFormat.Bgra32, top: 3));
        var batch = classifier.ClassifyBatch([file, file], top: 3, TestContext.Current.CancellationToken);
        Assert.Equal(expected, batch[0]);
        Assert.Equal(expected, batch[1]);
    }

    [Fact]
    public void OneInstanceIsSafeAcrossThreads()
    {
        var c = Fixture;
        using var classifier = ImageClassifier.Load(Path.Combine(ClassifierFixtures.Folder, c.Weights), options: new ClassifierOptions { Threads = 2 });
        var images = Enumerable.Range(0, 4).Select(i => Synthetic(40 + i, 50, i)).ToArray();
        var sequential = images.Select(img => classifier.Classify(img, top: 3)).ToArray();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int k = 0; k < 10; k++)
            {
                int i = (t + k) % images.Length;
                Assert.Equal(sequential[i], classifier.Classify(images[i], top: 3));
            }
        });
    }

    [Fact]
    public void PredictionPrintsLabelAndPercent() =>
        Assert.Equal("tabby, tabby cat (91.3%)", new Prediction(281, "tabby, tabby cat", 0.913f).ToString());

    [Fact]
    public void UseAfterDisposeThrows()
    {
        var c = Fixture;
        var classifier = ImageClassifier.Load(Path.Combine(ClassifierFixtures.Folder, c.Weights));
        classifier.Dispose();
        Assert.Throws<ObjectDisposedException>(() => classifier.Classify(Synthetic(8, 8, 0)));
    }

    [Fact]
    public void ImageNetLabelsAreEmbeddedAndMatchTheSharedList()
    {
        var labels = MobileNets.Classification.ImageNetLabels.For(1001)!;
        Assert.Equal(1001, labels.Count);
        Assert.Equal("background", labels[0]);
        Assert.Equal("tabby, tabby cat", labels[282]);
        var shared = TestPaths.SharedData();
        if (shared == null) { Assert.Skip("../shared/data is absent"); return; }
        var reference = File.ReadAllLines(Path.Combine(shared, "tflite", "imagenet_labels.txt"));
        Assert.Equal(reference.Take(1001), labels);
    }
}
