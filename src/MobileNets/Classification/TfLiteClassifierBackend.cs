using System.Buffers.Binary;
using MobileNets.Imaging;
using MobileNets.Quantized;
using MobileNets.Weights;

namespace MobileNets.Classification;

/// <summary>
/// A quantized (or float) TFLite classifier on the integer engine. TFLite's image classifiers take
/// the whole image resized to their input size (bilinear) as RGB: uint8 inputs get the pixels as they
/// are (their quantization, e.g. scale 1/128 and zero point 128, folds the x/127.5 - 1 normalization),
/// int8 inputs the pixels minus 128, float inputs x/127.5 - 1. Outputs are dequantized; a quantized
/// output scaled by 1/256 is a softmax already (TFLite's rule for quantized SOFTMAX), any other gets one.
/// </summary>
internal sealed class TfLiteClassifierBackend : IClassifierBackend
{
    readonly TfLiteModel _model;
    readonly TfLiteTensorInfo _input, _output;
    readonly int _height, _width;
    readonly bool _outputIsSoftmax;

    public TfLiteClassifierBackend(TfLiteModel model, string source)
    {
        _model = model;
        _input = model.Inputs[0];
        _output = model.Outputs[0];
        if (_input.Shape.Length != 4 || _input.Shape[0] != 1 || _input.Shape[3] != 3)
            throw new ModelFormatException($"{source}: a TFLite classifier takes one [1,H,W,3] image, this model takes [{string.Join(",", _input.Shape)}]");
        if (_input.ElementType is not (TensorDType.U8 or TensorDType.I8 or TensorDType.F32))
            throw new ModelFormatException($"{source}: unsupported classifier input type {TensorDTypes.Name(_input.ElementType)}");
        if (_output.ElementType is not (TensorDType.U8 or TensorDType.I8 or TensorDType.F32))
            throw new ModelFormatException($"{source}: unsupported classifier output type {TensorDTypes.Name(_output.ElementType)}");
        (_height, _width) = (_input.Shape[1], _input.Shape[2]);
        // TFLite requires a quantized SOFTMAX output to be scaled by 1/256; a float softmax sums to 1 and is detected at run time below.
        _outputIsSoftmax = _output.ElementType == TensorDType.F32 || (_output.Scales.Length == 1 && _output.Scales[0] == 1f / 256f);
        NumClasses = _output.Shape[^1];
        Architecture = Path.GetFileNameWithoutExtension(source);
        DefaultTransform = EvalTransform.WholeImage(_height, _width, ResizeInterpolation.Bilinear, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
    }

    public string Architecture { get; }
    public int NumClasses { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();
    public EvalTransform DefaultTransform { get; }

    public float[] Probabilities(IReadOnlyList<RgbImage> prepared, EvalTransform transform, CancellationToken cancellation)
    {
        var result = new float[prepared.Count * NumClasses];
        for (int i = 0; i < prepared.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var image = prepared[i];
            if (image.Width != _width || image.Height != _height)
                throw new ArgumentException($"the model takes {_width}x{_height} images; the transform produced {image.Width}x{image.Height}");
            var row = result.AsSpan(i * NumClasses, NumClasses);
            Dequantize(_model.Run(Quantize(image)), row);
            if (!_outputIsSoftmax) Kernels.Softmax.InPlace(row);
        }
        return result;
    }

    byte[] Quantize(RgbImage image)
    {
        var pixels = image.Pixels;
        switch (_input.ElementType)
        {
            case TensorDType.U8: return pixels;
            case TensorDType.I8: return pixels.Select(p => (byte)(sbyte)(p - 128)).ToArray();
            default:
            {
                var bytes = new byte[pixels.Length * 4];
                for (int j = 0; j < pixels.Length; j++)
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * j), pixels[j] / 127.5f - 1f);
                return bytes;
            }
        }
    }

    void Dequantize(byte[] raw, Span<float> destination)
    {
        float scale = _output.Scales.Length > 0 ? _output.Scales[0] : 1f;
        long zero = _output.ZeroPoints.Length > 0 ? _output.ZeroPoints[0] : 0;
        for (int j = 0; j < destination.Length; j++)
            destination[j] = _output.ElementType switch
            {
                TensorDType.U8 => (raw[j] - zero) * scale,
                TensorDType.I8 => ((sbyte)raw[j] - zero) * scale,
                _ => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * j)),
            };
    }

    public void Dispose() => _model.Dispose();
}
