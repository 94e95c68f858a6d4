using MobileNets.Weights;

namespace MobileNets.Tests.Weights;

public class SafeTensorsTests
{
    static byte[] Write(params SafeTensorsWriter.Entry[] entries)
    {
        using var ms = new MemoryStream();
        SafeTensorsWriter.Write(ms, entries, new Dictionary<string, string> { ["architecture"] = "x" });
        return ms.ToArray();
    }

    [Fact]
    public void RoundTripsF32AndWidensF16()
    {
        var f16 = new[] { (Half)1.5f, (Half)(-2f) };
        var bytes = Write(
            SafeTensorsWriter.Float32("a", [2, 2], [1f, 2f, 3f, 4f]),
            new("b", TensorDType.F16, [2], System.Runtime.InteropServices.MemoryMarshal.AsBytes(f16.AsSpan()).ToArray()));
        using var f = SafeTensorsFile.Open(new MemoryStream(bytes), "mem");
        Assert.Equal("x", f.Metadata["architecture"]);
        Assert.Equal([1f, 2f, 3f, 4f], f.ReadFloat32("a"));
        Assert.Equal([1.5f, -2f], f.ReadFloat32("b"));
        Assert.Equal([2, 2], f.Get("a").Shape);
    }

    [Fact]
    public void RefusesHeaderLongerThanFile()
    {
        var bytes = Write(SafeTensorsWriter.Float32("a", [1], [1f]));
        bytes[0] = 0xFF; bytes[1] = 0xFF;
        var e = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(new MemoryStream(bytes), "mem"));
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public void RefusesOffsetsOutsideData()
    {
        var bytes = Write(SafeTensorsWriter.Float32("a", [2], [1f, 2f]));
        var truncated = bytes[..^4];
        var e = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(new MemoryStream(truncated), "mem"));
        Assert.Contains("'a'", e.Message);
    }

    [Fact]
    public void RefusesShapeThatDisagreesWithByteCount()
    {
        var bytes = Write(SafeTensorsWriter.Float32("a", [3], [1f, 2f]));
        var e = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Open(new MemoryStream(bytes), "mem"));
        Assert.Contains("needs 12", e.Message);
    }
}
