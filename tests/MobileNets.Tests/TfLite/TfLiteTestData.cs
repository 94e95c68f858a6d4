namespace MobileNets.Tests.TfLite;

/// <summary>Locates shared data (../shared/data beside the checkout) and this project's fixtures.</summary>
internal static class TfLiteTestData
{
    static readonly Lazy<string?> SharedData = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MobileNets.sln")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(data) ? data : null;
            }
        return null;
    });

    /// <summary>The path of a file under shared/data, or skips the test with the reason.</summary>
    public static string Shared(string relative)
    {
        if (SharedData.Value == null) Assert.Skip("shared data folder (../shared/data beside the checkout) is absent");
        var path = Path.Combine(SharedData.Value!, relative);
        if (!File.Exists(path)) Assert.Skip($"shared data file {relative} is absent");
        return path;
    }

    public static string? SharedDirectory(string relative) =>
        SharedData.Value is string d && Directory.Exists(Path.Combine(d, relative)) ? Path.Combine(d, relative) : null;

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "TfLite", name);

    /// <summary>Reads an uncompressed 24-bit (as RGB bytes) or 8-bit (as palette indices) BMP, top row first.</summary>
    public static byte[] ReadBmp(string path, out int width, out int height)
    {
        var b = File.ReadAllBytes(path);
        int offset = BitConverter.ToInt32(b, 10), bpp = BitConverter.ToInt16(b, 28);
        width = BitConverter.ToInt32(b, 18);
        int h = BitConverter.ToInt32(b, 22);
        height = Math.Abs(h);
        int channels = bpp / 8, stride = (width * channels + 3) & ~3;
        var pixels = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
        {
            int row = offset + (h > 0 ? height - 1 - y : y) * stride;
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    pixels[(y * width + x) * channels + c] = b[row + x * channels + (channels == 3 ? 2 - c : c)];
        }
        return pixels;
    }
}
