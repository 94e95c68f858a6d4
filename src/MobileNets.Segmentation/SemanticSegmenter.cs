using MobileNets.Imaging;
using MobileNets.Segmentation.Drawing;
using MobileNets.Segmentation.Models;
using MobileNets.Segmentation.Transforms;

namespace MobileNets.Segmentation;

/// <summary>
/// Semantic segmentation with torchvision 0.14's <c>lraspp_mobilenet_v3_large</c> or
/// <c>deeplabv3_mobilenet_v3_large</c>: the weights' evaluation transform (shorter side 520,
/// ImageNet normalization), the network, the logits resized bilinearly to the input image and an
/// argmax per pixel. One instance is safe to use from many threads at once.
/// </summary>
/// <example>
/// <code>
/// using var segmenter = SemanticSegmenter.Load("lraspp_mobilenet_v3_large.safetensors");
/// var image = ImageDecoder.DecodeFile("street.jpg");
/// PngEncoder.Save(SemanticSegmenter.Overlay(image, segmenter.Segment(image), 0.5f), "street.mask.png");
/// </code>
/// </example>
public sealed class SemanticSegmenter : IDisposable
{
    readonly SegmentationModel? _model;
    readonly QuantizedSegmentation? _quantized;
    readonly ImageDecodeOptions _decode;
    readonly int _resizeShorter;
    volatile bool _disposed;

    SemanticSegmenter(SegmentationModel? model, QuantizedSegmentation? quantized, ImageDecodeOptions decode, int resizeShorter)
    {
        _model = model;
        _quantized = quantized;
        _decode = decode;
        _resizeShorter = resizeShorter;
        var metadata = model?.Metadata ?? new Dictionary<string, string>();
        Labels = Classification.PretrainedTransforms.LabelsFromMetadata(metadata)
            ?? (NumClasses == VocCategories.Names.Count ? VocCategories.Names
                : Enumerable.Range(0, NumClasses).Select(i => i == 0 ? "__background__" : $"class {i}").ToArray());
        if (Labels.Count != NumClasses)
            throw new ModelFormatException($"the file's labels list {Labels.Count} names for {NumClasses} classes");
    }

    /// <summary>The architecture id (<c>lraspp_mobilenet_v3_large</c>, <c>deeplabv3_mobilenet_v3_large</c>, or a <c>.tflite</c> file's name).</summary>
    public string Architecture => _model?.Architecture ?? _quantized!.Name;

    /// <summary>Number of classes including the background.</summary>
    public int NumClasses => _model?.NumClasses ?? _quantized!.NumClasses;

    /// <summary>Class names by index (PASCAL VOC's 21 for the published weights).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Backbone width multiplier found in the weights.</summary>
    public double Width => _model?.Width ?? 1.0;

    /// <summary>
    /// Loads a <c>.safetensors</c> file holding a torchvision <c>lraspp_mobilenet_v3_large</c> or
    /// <c>deeplabv3_mobilenet_v3_large</c> state dict (with or without DeepLabV3's auxiliary classifier),
    /// or a quantized TFLite segmentation model ending in ARG_MAX (Mobile DeepLabv3, <c>deeplabv3_mnv2_pascal_quant.tflite</c>).
    /// </summary>
    /// <param name="path">The weights file.</param>
    /// <param name="architecture">The architecture when the file's metadata does not name it (else recognized from the head's tensors).</param>
    /// <param name="options">Threads, decoder and model file limits.</param>
    /// <exception cref="ModelFormatException">The file is malformed, over a limit, or does not fit the architecture.</exception>
    public static SemanticSegmenter Load(string path, string? architecture = null, SegmenterOptions? options = null) =>
        Load(path, architecture, options, SegmentationTransform.ResizeShorter);

    /// <summary>As the public Load, with another shorter side for the float models' transform (tests run small inputs through the same code).</summary>
    internal static SemanticSegmenter Load(string path, string? architecture, SegmenterOptions? options, int resizeShorter)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new SegmenterOptions();
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), "Threads must be at least 1");
        var decode = options.Decode ?? new ImageDecodeOptions();
        if (path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase))
        {
            var quantized = QuantizedSegmentation.Load(path, options.Threads, options.Limits);
            // A segmenter refused after loading must not leave its worker threads running.
            try { return new SemanticSegmenter(null, quantized, decode, resizeShorter); }
            catch { quantized.Dispose(); throw; }
        }
        var model = SegmentationModel.Load(path, architecture, options.Threads, options.Limits);
        try { return new SemanticSegmenter(model, null, decode, resizeShorter); }
        catch { model.Dispose(); throw; }
    }

    /// <summary>Segments an image file (JPEG, PNG, BMP, PNM).</summary>
    /// <param name="imagePath">The image.</param>
    /// <param name="includeLogits">Also return the logits (classes x H x W at the image's size).</param>
    public SegmentationResult Segment(string imagePath, bool includeLogits = false)
    {
        ThrowIfDisposed();   // before decoding: a disposed segmenter fails the same way whatever the input
        return Segment(ImageDecoder.DecodeFile(imagePath, _decode), includeLogits);
    }

    /// <summary>Segments an encoded image read from <paramref name="image"/>.</summary>
    public SegmentationResult Segment(Stream image, bool includeLogits = false)
    {
        ThrowIfDisposed();
        return Segment(ImageDecoder.Decode(image, _decode), includeLogits);
    }

    /// <summary>Segments an encoded image held in memory.</summary>
    public SegmentationResult Segment(byte[] encodedImage, bool includeLogits = false)
    {
        ThrowIfDisposed();
        return Segment(ImageDecoder.Decode(encodedImage, _decode), includeLogits);
    }

    /// <summary>Segments raw pixels (e.g. a camera frame decoded elsewhere).</summary>
    /// <param name="pixels">Rows of <paramref name="stride"/> bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="stride">Bytes from one row to the next.</param>
    /// <param name="format">Channel order and size of a pixel.</param>
    /// <param name="includeLogits">Also return the logits.</param>
    public SegmentationResult Segment(ReadOnlySpan<byte> pixels, int width, int height, int stride, PixelFormat format, bool includeLogits = false)
    {
        ThrowIfDisposed();
        return Segment(ImageDecoder.FromPixels(pixels, width, height, stride, format), includeLogits);
    }

    /// <summary>Segments a decoded image; the class map has the image's size.</summary>
    public SegmentationResult Segment(RgbImage image, bool includeLogits = false)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(image);
        if (_quantized != null)
        {
            if (includeLogits) throw new NotSupportedException("this model ends in ARG_MAX: it has no logits to return");
            return new SegmentationResult(image.Width, image.Height, _quantized.ClassMap(image), Labels);
        }
        var (tensor, h, w) = SegmentationTransform.Apply(image, _resizeShorter);
        var (logits, _) = _model!.Forward(tensor, h, w);
        int k = NumClasses;
        // The model's output has the transformed size; bring it back to the caller's pixels.
        var atInput = logits;
        if (h != image.Height || w != image.Width)
        {
            atInput = new float[image.Height * image.Width * k];
            Kernels.BilinearResize.Run(logits, h, w, k, atInput, image.Height, image.Width);
        }
        return Result(atInput, image.Height, image.Width, includeLogits);
    }

    internal SegmentationResult Result(float[] hwcLogits, int height, int width, bool includeLogits)
    {
        int k = NumClasses, pixels = height * width;
        var classes = new int[pixels];
        for (int p = 0; p < pixels; p++)
        {
            var row = hwcLogits.AsSpan(p * k, k);
            int best = 0;
            for (int c = 1; c < k; c++) if (row[c] > row[best]) best = c;
            classes[p] = best;
        }
        float[]? planes = null;
        if (includeLogits)
        {
            planes = new float[hwcLogits.Length];
            Tensors.Layout.HwcToChw(hwcLogits, planes, new Tensors.FeatureShape(height, width, k));
        }
        return new SegmentationResult(width, height, classes, Labels, planes);
    }

    /// <summary>The class map in PASCAL VOC palette colors, with a legend of the classes present when <paramref name="legend"/>.</summary>
    public static RgbImage Colorize(SegmentationResult result, bool legend = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        return MaskPainter.Colorize(result, legend);
    }

    /// <summary>
    /// A copy of <paramref name="image"/> with the class colors blended in at <paramref name="alpha"/>
    /// (0: image only, 1: colors only) and a legend when <paramref name="legend"/>.
    /// </summary>
    public static RgbImage Overlay(RgbImage image, SegmentationResult result, float alpha = 0.5f, bool legend = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(result);
        return MaskPainter.Overlay(image, result, alpha, legend);
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Releases the model and stops its worker threads; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _quantized?.Dispose();
        _model?.Dispose();
    }
}
