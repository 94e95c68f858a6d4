using MobileNets.Weights;

namespace MobileNets.Quantized;

/// <summary>
/// An input or output of a TFLite model: name, element type, shape and quantization (one scale and
/// zero point per tensor, or one per channel along <see cref="QuantizedDimension"/>; empty when the
/// tensor is not quantized). Zero points are in the tensor's own type (int8 zero points are signed).
/// </summary>
internal sealed record TfLiteTensorInfo(string Name, TensorDType ElementType, int[] Shape,
    float[] Scales, long[] ZeroPoints, int QuantizedDimension)
{
    public int ElementCount => Shape.Aggregate(1, (a, d) => a * d);
    public int ByteLength => ElementCount * TensorDTypes.SizeOf(ElementType);
}
