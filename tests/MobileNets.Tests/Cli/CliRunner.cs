namespace MobileNets.Tests.Cli;

/// <summary>Runs the `mobilenets` entry point in-process, capturing its output streams.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = MobileNets.Cli.CommandLine.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A failure is exactly one line on stderr, no stack trace.</summary>
    public static void AssertOneLineError(Result r, int expectedCode, string? contains = null)
    {
        Assert.Equal(expectedCode, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one stderr line, got: {r.Stderr}");
        Assert.DoesNotContain("   at ", r.Stderr);
        if (contains != null) Assert.Contains(contains, r.Stderr);
    }
}
