using MobileNets.Imaging;
using System.Security.Cryptography;
using MobileNets.Hub;

namespace MobileNets.Tests.Hub;

/// <summary>Temp cache directories, payloads and entries pointing at the local test server.</summary>
public static class HubTestSupport
{
    public static string TempCache() => System.IO.Path.GetDirectoryName(TestPaths.TempFile("x"))!;

    public static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    internal static ModelHubEntry Entry(string url, byte[]? pinnedContent, string name = "test_model.e1_in1k") =>
        new(name, url, pinnedContent?.Length, pinnedContent == null ? null : Sha256(pinnedContent), null, "mobilenet_v3_small",
            LabelSet.ImageNet1k, EvalTransform.Torchvision);

    /// <summary>A client that ignores proxy settings, so 127.0.0.1 is always reached directly.</summary>
    internal static HttpClient Client { get; } = HubDownloader.CreateClient(useProxy: false);
}
