using MobileNets.Quantized;

namespace MobileNets.Tests.TfLite;

/// <summary>Runs alone: the allocation count is process-wide. After warm-up a 2-thread inference allocates only its result.</summary>
[Collection(nameof(Cli.AllocationCountCollection))]
public class ThreadedAllocationTests
{
    [Fact]
    public void TwoThreadRunsAllocateOnlyTheirOutput()
    {
        using var model = TfLiteModel.Load(TfLiteTestData.Shared("tflite/mobilenet_v2_1.0_224_quant.tflite"), threads: 2);
        byte[][] inputs = [new byte[model.Inputs[0].ByteLength]];
        for (int i = 0; i < 5; i++) model.Run(inputs);
        const int Runs = 20;
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Runs; i++) model.Run(inputs);
        long perRun = (GC.GetTotalAllocatedBytes(precise: true) - before) / Runs;
        // The result: an array of one output array (1001 bytes) and their object headers.
        Assert.True(perRun <= model.Outputs[0].ByteLength + 128, $"{perRun} bytes allocated per run");
    }
}
