using MobileNets.Classification;
using MobileNets.Imaging;
using MobileNets.Models;

namespace MobileNets;

/// <summary>
/// Classifies images with a MobileNet: decode, the weights' own evaluation transform, one forward
/// pass, softmax, top-k. One instance is safe to use from many threads at once.
/// </summary>
/// <example>
/// <code>
/// using var classifier = ImageClassifier.Load("mobilenetv3_large_100.safetensors");
/// foreach (var p in classifier.Classify("cat.jpg", top: 5)) Console.WriteLine(p);
/// </code>
/// </example>
public sealed class ImageClassifier : IDisposable
{
    readonly IClassifierBackend _backend;
    readonly ClassifierOptions _options;
    volatile bool _disposed;

    /// <summary>The architecture id (torchvision or timm name).</summary>
    public string Architecture => _backend.Architecture;

    /// <summary>Number of model outputs.</summary>
    public int NumClasses => _backend.NumClasses;

    /// <summary>Class names by output index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The evaluation transform in use.</summary>
    public EvalTransform Transform { get; }

    ImageClassifier(IClassifierBackend backend, ClassifierOptions options, Hub.ModelHubEntry? published = null)
    {
        _backend = backend;
        _options = options;
        Transform = options.Transform ?? published?.Transform ?? backend.DefaultTransform;
        Labels = options.Labels ?? PretrainedTransforms.LabelsFromMetadata(backend.Metadata)
            ?? ImageNetLabels.For(backend.NumClasses)
            ?? Enumerable.Range(0, backend.NumClasses).Select(i => $"class {i}").ToArray();
        if (Labels.Count != NumClasses)
            throw new ArgumentException($"{Labels.Count} labels given for a model with {NumClasses} classes");
        // Pixels are bytes, so with a finite Mean and a finite non-zero Std no NaN or infinity can reach the network.
        if (Transform.Mean is not { Length: 3 } || Transform.Std is not { Length: 3 }
            || !Transform.Mean.All(float.IsFinite) || !Transform.Std.All(s => float.IsFinite(s) && s != 0))
            throw new ArgumentException("the transform needs 3 finite Mean values and 3 finite non-zero Std values");
    }

    /// <summary>
    /// Loads a model: a <c>.safetensors</c> or PyTorch <c>.pth</c> file, a quantized <c>.tflite</c> classifier, (architecture and width from its
    /// metadata, or <paramref name="architecture"/> and the weights' shapes), or a published model by
    /// name (<c>mobilenetv4_conv_small.e2400_r224_in1k</c>, <c>mobilenet_v3_large.IMAGENET1K_V2</c>),
    /// resolved through the local model cache and downloaded into it when missing (see <see cref="Hub.ModelHub"/>).
    /// </summary>
    /// <param name="path">The weights file, or a model name from <see cref="Hub.ModelHub.Catalog"/>.</param>
    /// <param name="architecture">Architecture id (e.g. <c>mobilenet_v3_large</c>, <c>mobilenetv4_conv_small</c>) when the file does not name it.</param>
    /// <param name="options">Width, threads, labels, transform, decoder and model file limits.</param>
    /// <exception cref="ModelFormatException">The file is malformed or does not fit the architecture.</exception>
    public static ImageClassifier Load(string path, string? architecture = null, ClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ClassifierOptions();
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), "Threads must be at least 1");
        Hub.ModelHubEntry? published = null;
        if (!File.Exists(path) && Hub.ModelHub.TryFind(path, out var entry))
        {
            published = entry;
            architecture ??= entry.Architecture;
            path = Hub.ModelHub.Resolve(path);
        }
        if (path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
            var tflite = Quantized.TfLiteModel.Load(path, options.Threads, options.Limits);
            try { return Create(new TfLiteClassifierBackend(tflite, Path.GetFileName(path)), options, published); }
            catch { tflite.Dispose(); throw; }   // a model refused as a classifier must not leave its worker threads running
        }
        var model = ClassifierModel.Load(path, architecture, options.Width, options.Threads, options.Limits);
        return Create(new FloatClassifierBackend(model), options, published);
    }

    /// <summary>The classifier over a loaded backend, which is disposed if an option is refused (its worker threads must not keep running).</summary>
    static ImageClassifier Create(IClassifierBackend backend, ClassifierOptions options, Hub.ModelHubEntry? published)
    {
        try { return new ImageClassifier(backend, options, published); }
        catch { backend.Dispose(); throw; }
    }

    /// <summary>Top <paramref name="top"/> classes of an image file (JPEG, PNG, BMP, PNM).</summary>
    public IReadOnlyList<Prediction> Classify(string imagePath, int top = 5)
    {
        ThrowIfDisposed();   // before decoding: a disposed classifier fails the same way whatever the input
        return ClassifyDecoded(ImageDecoder.DecodeFile(imagePath, _options.Decode), top);
    }

    /// <summary>Top classes of an encoded image read from <paramref name="image"/>.</summary>
    public IReadOnlyList<Prediction> Classify(Stream image, int top = 5)
    {
        ThrowIfDisposed();
        return ClassifyDecoded(ImageDecoder.Decode(image, _options.Decode), top);
    }

    /// <summary>Top classes of an encoded image held in memory.</summary>
    public IReadOnlyList<Prediction> Classify(byte[] encodedImage, int top = 5)
    {
        ThrowIfDisposed();
        return ClassifyDecoded(ImageDecoder.Decode(encodedImage, _options.Decode), top);
    }

    /// <summary>Top classes of raw pixels (e.g. a camera frame decoded elsewhere).</summary>
    /// <param name="pixels">Rows of <paramref name="stride"/> bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="stride">Bytes from one row to the next.</param>
    /// <param name="format">Channel order and size of a pixel.</param>
    /// <param name="top">How many classes to return.</param>
    public IReadOnlyList<Prediction> Classify(ReadOnlySpan<byte> pixels, int width, int height, int stride, PixelFormat format, int top = 5)
    {
        ThrowIfDisposed();
        return ClassifyDecoded(ImageDecoder.FromPixels(pixels, width, height, stride, format), top);
    }

    /// <summary>Top classes of a decoded image.</summary>
    public IReadOnlyList<Prediction> Classify(RgbImage image, int top = 5) => ClassifyDecoded(image, top);

    /// <summary>Classifies many image files in one forward pass; results in input order.</summary>
    public IReadOnlyList<IReadOnlyList<Prediction>> ClassifyBatch(IEnumerable<string> imagePaths, int top = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ThrowIfDisposed();
        var images = new List<RgbImage>();
        foreach (var path in imagePaths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            images.Add(ImageDecoder.DecodeFile(path, _options.Decode));
        }
        return ClassifyBatch(images, top, cancellationToken);
    }

    /// <summary>Classifies decoded images in one forward pass; results in input order.</summary>
    public IReadOnlyList<IReadOnlyList<Prediction>> ClassifyBatch(IReadOnlyList<RgbImage> images, int top = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ThrowIfDisposed();
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), "top must be at least 1");
        if (images.Count == 0) return [];
        var prepared = new RgbImage[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            prepared[i] = Transform.Prepare(images[i]);
        }
        var probabilities = _backend.Probabilities(prepared, Transform, cancellationToken);
        var results = new IReadOnlyList<Prediction>[images.Count];
        for (int i = 0; i < images.Count; i++)
            results[i] = TopK(probabilities.AsSpan(i * NumClasses, NumClasses), top);
        return results;
    }

    /// <summary>The normalized 1 x 3 x H x W tensor this classifier feeds the model for <paramref name="image"/>.</summary>
    public float[] Preprocess(RgbImage image)
    {
        ThrowIfDisposed();
        return FloatClassifierBackend.Tensor([Transform.Prepare(image)], Transform);
    }

    /// <summary>
    /// A copy of <paramref name="image"/> with the predictions written in its top-left corner, one tag
    /// per prediction ("91.3% tabby, tabby cat"), the best first.
    /// </summary>
    /// <param name="image">The classified image.</param>
    /// <param name="predictions">Its predictions, as <see cref="Classify(RgbImage, int)"/> returns them.</param>
    /// <returns>A new image; <paramref name="image"/> is not changed.</returns>
    public static RgbImage Draw(RgbImage image, IReadOnlyList<Prediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(predictions);
        return Drawing.PredictionPainter.Draw(image, predictions);
    }

    IReadOnlyList<Prediction> ClassifyDecoded(RgbImage image, int top) => ClassifyBatch([image], top)[0];

    List<Prediction> TopK(ReadOnlySpan<float> probabilities, int top)
    {
        var order = Enumerable.Range(0, probabilities.Length).ToArray();
        var keys = probabilities.ToArray();
        // Stable: equal probabilities keep index order, as torch.topk does on CPU for distinct values.
        Array.Sort(order, (a, b) => keys[b].CompareTo(keys[a]) is var c && c != 0 ? c : a.CompareTo(b));
        var result = new List<Prediction>(Math.Min(top, order.Length));
        for (int i = 0; i < Math.Min(top, order.Length); i++)
            result.Add(new Prediction(order[i], Labels[order[i]], keys[order[i]]));
        return result;
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Releases the model.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _backend.Dispose();
    }
}
