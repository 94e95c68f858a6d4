using MobileNets.Detection.Drawing;
using MobileNets.Detection.Models;
using MobileNets.Detection.Postprocessing;
using MobileNets.Imaging;

namespace MobileNets.Detection;

/// <summary>
/// Detects objects with SSDLite320-MobileNetV3-Large, exactly as torchvision 0.14's
/// <c>ssdlite320_mobilenet_v3_large</c> does in eval mode: the image in [0, 1], normalized and
/// resized to 320 x 320, the network, default boxes, per-class selection and NMS, boxes mapped back
/// to the image's pixels. One instance is safe to use from many threads at once.
/// </summary>
/// <example>
/// <code>
/// using var detector = ObjectDetector.Load("ssdlite320_mobilenet_v3_large.safetensors");
/// var found = detector.Detect("street.jpg", threshold: 0.5f);
/// PngEncoder.Save(ObjectDetector.Draw(ImageDecoder.DecodeFile("street.jpg"), found), "street.boxes.png");
/// </code>
/// </example>
public sealed class ObjectDetector : IDisposable
{
    readonly SsdLiteModel _model;
    readonly ImageDecodeOptions _decode;
    volatile bool _disposed;

    ObjectDetector(SsdLiteModel model, ImageDecodeOptions decode)
    {
        _model = model;
        _decode = decode;
        Labels = Classification.PretrainedTransforms.LabelsFromMetadata(model.Metadata)
            ?? (model.NumClasses == CocoCategories.Names.Count ? CocoCategories.Names
                : Enumerable.Range(0, model.NumClasses).Select(i => i == 0 ? "__background__" : $"class {i}").ToArray());
        if (Labels.Count != model.NumClasses)
            throw new ModelFormatException($"the file's labels list {Labels.Count} names for {model.NumClasses} classes");
    }

    /// <summary>The architecture id (<c>ssdlite320_mobilenet_v3_large</c>).</summary>
    public string Architecture => SsdLiteModel.ArchitectureId;

    /// <summary>Number of classes including the background.</summary>
    public int NumClasses => _model.NumClasses;

    /// <summary>Class names by label index (COCO's 91 for the published weights).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Backbone width multiplier found in the weights.</summary>
    public double Width => _model.Width;

    /// <summary>
    /// Loads a <c>.safetensors</c> file holding a torchvision <c>ssdlite320_mobilenet_v3_large</c>
    /// state dict. Width and class count are read from the tensors; every tensor must be used.
    /// </summary>
    /// <param name="path">The weights file.</param>
    /// <param name="architecture">Must be <c>ssdlite320_mobilenet_v3_large</c> when given (the file's metadata otherwise).</param>
    /// <param name="options">Threads, decoder and model file limits.</param>
    /// <exception cref="ModelFormatException">The file is malformed, over a limit, or does not fit the architecture.</exception>
    public static ObjectDetector Load(string path, string? architecture = null, DetectorOptions? options = null) =>
        Load(path, architecture, options, transform: null);

    /// <summary>As the public Load, with another input transform (tests run small inputs through the same code).</summary>
    internal static ObjectDetector Load(string path, string? architecture, DetectorOptions? options, Transforms.DetectionTransform? transform)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new DetectorOptions();
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), "Threads must be at least 1");
        var model = SsdLiteModel.Load(path, architecture, threads: options.Threads, limits: options.Limits, transform: transform);
        // A detector refused after loading (labels that do not fit) must not leave its worker threads running.
        try { return new ObjectDetector(model, options.Decode ?? new ImageDecodeOptions()); }
        catch { model.Dispose(); throw; }
    }

    /// <summary>Detections with score at least <paramref name="threshold"/> in an image file (JPEG, PNG, BMP, PNM), best first.</summary>
    public IReadOnlyList<Detection> Detect(string imagePath, float threshold = 0.5f)
    {
        ThrowIfDisposed();   // before decoding: a disposed detector fails the same way whatever the input
        return Detect(ImageDecoder.DecodeFile(imagePath, _decode), threshold);
    }

    /// <summary>Detections in an encoded image read from <paramref name="image"/>.</summary>
    public IReadOnlyList<Detection> Detect(Stream image, float threshold = 0.5f)
    {
        ThrowIfDisposed();
        return Detect(ImageDecoder.Decode(image, _decode), threshold);
    }

    /// <summary>Detections in an encoded image held in memory.</summary>
    public IReadOnlyList<Detection> Detect(byte[] encodedImage, float threshold = 0.5f)
    {
        ThrowIfDisposed();
        return Detect(ImageDecoder.Decode(encodedImage, _decode), threshold);
    }

    /// <summary>Detections in raw pixels (e.g. a camera frame decoded elsewhere).</summary>
    /// <param name="pixels">Rows of <paramref name="stride"/> bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="stride">Bytes from one row to the next.</param>
    /// <param name="format">Channel order and size of a pixel.</param>
    /// <param name="threshold">Lowest score reported.</param>
    public IReadOnlyList<Detection> Detect(ReadOnlySpan<byte> pixels, int width, int height, int stride, PixelFormat format, float threshold = 0.5f)
    {
        ThrowIfDisposed();
        return Detect(ImageDecoder.FromPixels(pixels, width, height, stride, format), threshold);
    }

    /// <summary>Detections in a decoded image, best first; boxes in its pixels.</summary>
    public IReadOnlyList<Detection> Detect(RgbImage image, float threshold = 0.5f)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(image);
        if (!(threshold >= 0 && threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(threshold), "threshold must be in [0, 1]");
        var chw = new float[3 * image.Width * image.Height];
        // ObjectDetection preset: pil_to_tensor then convert_image_dtype, i.e. v / 255.
        ImageTransforms.ToTensor(image, [0f, 0f, 0f], [1f, 1f, 1f], chw);
        return Name(_model.Detect(chw, image.Height, image.Width).Where(d => d.Score >= threshold));
    }

    internal IReadOnlyList<Detection> Name(IEnumerable<RawDetection> raw) =>
        raw.Select(d => new Detection(d.X1, d.Y1, d.X2, d.Y2, d.Label, Labels[d.Label], d.Score)).ToList();

    /// <summary>
    /// A copy of <paramref name="image"/> with each detection's box outlined in a color of its class
    /// and tagged with its name and score.
    /// </summary>
    public static RgbImage Draw(RgbImage image, IReadOnlyList<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        return DetectionPainter.Draw(image, detections);
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Releases the model and stops its worker threads; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _model.Dispose();
    }
}
