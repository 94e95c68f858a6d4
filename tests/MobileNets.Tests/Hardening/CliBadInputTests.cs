using MobileNets.Tests.Cli;
using MobileNets.Tests.Models;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// Every parser's bad input through the CLI: exit code 1 (bad file) and exactly one stderr line,
/// never a stack trace, whether the damage is in a weight file or in an image.
/// </summary>
public class CliBadInputTests
{
    static string Classifier => Path.Combine(ClassifierFixtures.Folder, "mobilenetv1_125.safetensors");

    /// <summary>A damaged copy of a fixture, written to a temp file with the given name.</summary>
    static string Damaged(string source, string name, Func<byte[], byte[]> damage)
    {
        string path = TestPaths.TempFile(name);
        File.WriteAllBytes(path, damage(File.ReadAllBytes(source)));
        return path;
    }

    public static TheoryData<string, string> BadWeights()
    {
        var data = new TheoryData<string, string>();
        // Architecture given, as users of files without metadata do: the file alone is at fault.
        data.Add("truncated-header.safetensors", "mobilenetv1_125");
        data.Add("truncated-data.safetensors", "mobilenetv1_125");
        data.Add("truncated.pth", "mobilenet_v3_small");
        data.Add("garbage.pth", "mobilenet_v3_small");
        foreach (var f in Directory.EnumerateFiles(TestPaths.Fixtures("Regressions"), "*.safetensors").Order())
            data.Add("Regressions/" + Path.GetFileName(f), "mobilenetv1_125");
        foreach (var f in Directory.EnumerateFiles(TestPaths.Fixtures("PyTorch", "hostile"), "*.pth").Order())
            data.Add("PyTorch/hostile/" + Path.GetFileName(f), "mobilenet_v3_small");
        return data;
    }

    static string WeightPath(string name) => name switch
    {
        "truncated-header.safetensors" => Damaged(Classifier, name, b => b[..4000]),
        "truncated-data.safetensors" => Damaged(Classifier, name, b => b[..^1000]),
        "truncated.pth" => Damaged(TestPaths.Fixtures("PyTorch", "mnv3s_f16.pth"), name, b => b[..(b.Length / 2)]),
        "garbage.pth" => Damaged(TestPaths.Fixtures("PyTorch", "mnv3s_f16.pth"), name, b => { b.AsSpan(0, 64).Fill(0xA5); return b; }),
        _ => TestPaths.Fixtures(name.Split('/')),
    };

    [Theory]
    [MemberData(nameof(BadWeights))]
    public void InfoOnABadWeightFileIsOneLineAndExitCode1(string name, string architecture)
    {
        var result = CliRunner.Run("info", "--model", WeightPath(name), "--arch", architecture);
        CliRunner.AssertOneLineError(result, 1);
        Assert.DoesNotContain("internal error", result.Stderr);   // a typed refusal, not a crash caught at the top
    }

    public static TheoryData<string> BadImages() =>
        ["truncated.jpg", "garbage-header.jpg", "truncated.png", "bad-crc.png", "truncated.bmp", "huge.ppm", "empty.jpg", "text.png"];

    static string ImagePath(string name)
    {
        string Input(string f) => Path.Combine(TestPaths.Fixtures("Imaging", "inputs"), f);
        return name switch
        {
            "truncated.jpg" => Damaged(Input("jpeg_420.jpg"), name, b => b[..200]),
            "garbage-header.jpg" => Damaged(Input("jpeg_420.jpg"), name, b => { b.AsSpan(2, 40).Fill(0xFF); return b; }),
            "truncated.png" => Damaged(Input("png_1x1.png"), name, b => b[..20]),
            "bad-crc.png" => Damaged(Input("png_1x1.png"), name, b => { b[29] ^= 0xFF; return b; }),   // first byte of the IHDR CRC
            "truncated.bmp" => Damaged(Input("bmp_24.bmp"), name, b => b[..30]),
            "huge.ppm" => Damaged(Input("bmp_24.bmp"), name, _ => "P6\n200000 200000\n255\n"u8.ToArray()),   // 40 GP, over MaxPixels
            "empty.jpg" => Damaged(Input("jpeg_420.jpg"), name, _ => []),
            _ => Damaged(Input("png_1x1.png"), name, _ => "not an image at all\n"u8.ToArray()),
        };
    }

    [Theory]
    [MemberData(nameof(BadImages))]
    public void ClassifyOnABadImageIsOneLineAndExitCode1(string name)
    {
        var result = CliRunner.Run("classify", ImagePath(name), "--model", Classifier, "--threads", "1");
        CliRunner.AssertOneLineError(result, 1);
        Assert.DoesNotContain("internal error", result.Stderr);
        Assert.Equal("", result.Stdout);   // nothing half-printed before the failure
    }
}
