using MobileNets.Weights.TfLite;

namespace MobileNets.Quantized;

/// <summary>
/// Whether TFLite's XNNPACK delegate takes a model. When defining any claimed node fails, TFLite logs
/// "Restored original execution plan after delegate application failure" and runs the whole model
/// on its own kernels, which requantize with fixed-point multipliers instead of XNNPACK's fp32.
/// Observed with the TFLite build used for the references (tools/reference): a UINT8
/// DEPTHWISE_CONV_2D with a depth multiplier above 1 fails to delegate ("failed to delegate
/// DEPTHWISE_CONV_2D node"), while INT8 per-channel ones are taken.
/// </summary>
internal static class DelegatePolicy
{
    public static bool DelegateFails(TfLiteSubgraphDef graph, GraphTensor[] tensors) =>
        graph.Operators.Any(op => op.BuiltinCode == (int)TfLiteBuiltin.DepthwiseConv2D && op.Inputs.Length >= 2 && op.Outputs.Length == 1
            && op.Inputs[0] >= 0 && op.Inputs[1] >= 0
            && tensors[op.Inputs[0]].Type == TfLiteTensorType.UInt8
            && tensors[op.Inputs[1]].Shape.Length == 4 && tensors[op.Inputs[0]].Shape.Length == 4
            && tensors[op.Inputs[0]].Shape[3] > 0 && tensors[op.Inputs[1]].Shape[3] > tensors[op.Inputs[0]].Shape[3]);
}
