using MobileNets.Weights.PyTorch;

namespace MobileNets.Tests.PyTorch;

/// <summary>
/// Files a checkpoint reader must refuse, written by make_pth_fixtures.py: pickle exploits that
/// would run code under a plain pickle.load, and structurally broken archives. Each must fail with
/// a one-line ModelFormatException that says why, and nothing from the file may run.
/// </summary>
public class HostileCheckpointTests
{
    [Theory]
    [InlineData("reduce_os_system.pth", "refused to load global 'posix.system'")]
    // Python 3 writes builtins.eval as __builtin__.eval under protocol 2 (pickle's fix_imports).
    [InlineData("global_builtins_eval.pth", "refused to load global '__builtin__.eval'")]
    [InlineData("stack_global_exec.pth", "refused to load global 'builtins.exec'")]
    [InlineData("legacy_reduce_os_system.pth", "refused to load global 'posix.system'")]
    [InlineData("unknown_global_whole_module.pth", "refused to load global 'torch.nn.modules.linear.Linear'")]
    [InlineData("unknown_global_newobj.pth", "refused to load global 'mobilenets_fixture.NotAllowed'")]
    [InlineData("truncated_pickle.pth", "truncated")]
    [InlineData("missing_storage.pth", "storage '0' is missing")]
    [InlineData("storage_larger_than_entry.pth", "needs 16 bytes but its zip entry holds 8")]
    [InlineData("view_past_storage.pth", "reaches element 9 of a 4-element storage")]
    [InlineData("legacy_truncated_storage.pth", "runs past the end of the file")]
    [InlineData("broadcast_bomb.pth", "has more elements than its 4-element storage allows")]
    public void HostileFileIsRefusedWithOneLine(string file, string reason)
    {
        var e = Assert.Throws<ModelFormatException>(() => PyTorchCheckpoint.Open(PyTorchFixtures.Hostile(file)));
        Assert.Contains(reason, e.Message);
        Assert.StartsWith(file, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists("/tmp/mobilenets-pwned"), "the exploit ran");
    }

    [Fact]
    public void WholeModulePickleSuggestsSavingTheStateDict()
    {
        var e = Assert.Throws<ModelFormatException>(() => PyTorchCheckpoint.Open(PyTorchFixtures.Hostile("unknown_global_whole_module.pth")));
        Assert.Contains("save model.state_dict() instead", e.Message);
    }

    [Fact]
    public void CliReportsARefusedCheckpointAsABadFile()
    {
        var r = Cli.CliRunner.Run("info", "--model", PyTorchFixtures.Hostile("reduce_os_system.pth"), "--arch", "mobilenet_v3_small");
        Cli.CliRunner.AssertOneLineError(r, 1, "posix.system");
    }

    [Fact]
    public void CorruptStorageFailsItsCrcWhenRead()
    {
        var bytes = File.ReadAllBytes(PyTorchFixtures.Path("wrapped.pth"));
        using var clean = PyTorchCheckpoint.Open(new MemoryStream(bytes), "wrapped.pth");
        var weight = clean.ReadFloat32("layer.weight");
        // Flip a bit inside the first storage's data: find its float bytes in the file.
        var needle = BitConverter.GetBytes(weight[0]);
        int at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        bytes[at] ^= 1;
        using var corrupt = PyTorchCheckpoint.Open(new MemoryStream(bytes), "corrupt.pth");
        var e = Assert.Throws<ModelFormatException>(() => corrupt.ReadFloat32("layer.weight"));
        Assert.Contains("CRC-32", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { }, "is empty")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8' }, "not a PyTorch checkpoint")]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0 }, "shorter than its end record")]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "end-of-central-directory record not found")]
    public void NonCheckpointBytesAreRefused(byte[] bytes, string reason)
    {
        var e = Assert.Throws<ModelFormatException>(() => PyTorchCheckpoint.Open(new MemoryStream(bytes), "x.pth"));
        Assert.Contains(reason, e.Message);
    }
}
