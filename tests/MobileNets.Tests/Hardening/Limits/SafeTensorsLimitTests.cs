using System.Buffers.Binary;
using MobileNets.Weights;

namespace MobileNets.Tests.Hardening.Limits;

/// <summary>The safetensors reader's settable limits: header bytes and tensor count.</summary>
public class SafeTensorsLimitTests
{
    static readonly byte[] File = System.IO.File.ReadAllBytes(HardeningFixtures.ModelPath);

    static void Open(ModelFileLimits limits)
    {
        using var st = SafeTensorsFile.Open(new MemoryStream(File, writable: false), "fixture.safetensors", limits);
    }

    [Fact]
    public void HeaderOneByteOverTheLimitIsRefused()
    {
        long header = (long)BinaryPrimitives.ReadUInt64LittleEndian(File);
        LimitAssert.RefusedOverAcceptedAt(Open,
            ModelFileLimits.Default with { MaxSafeTensorsHeaderBytes = header - 1 },
            ModelFileLimits.Default with { MaxSafeTensorsHeaderBytes = header }, "MaxSafeTensorsHeaderBytes");
    }

    [Fact]
    public void OneTensorOverTheLimitIsRefused()
    {
        int tensors;
        using (var st = SafeTensorsFile.Open(new MemoryStream(File), "fixture.safetensors")) tensors = st.Tensors.Count;
        LimitAssert.RefusedOverAcceptedAt(Open,
            ModelFileLimits.Default with { MaxTensors = tensors - 1 }, ModelFileLimits.Default with { MaxTensors = tensors }, "MaxTensors");
    }
}
