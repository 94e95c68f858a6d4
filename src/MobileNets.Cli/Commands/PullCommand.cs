using MobileNets.Hub;

namespace MobileNets.Cli.Commands;

/// <summary>
/// <c>pull NAME [--force] [--cache-dir DIR]</c>: downloads published weights into the cache (or finds
/// them there) and prints the local path. A progress bar goes to stderr on a terminal only. An
/// unknown name exits 2 (ArgumentException), a failed download or verification exits 1
/// (ModelDownloadException is an IOException), each with one line on stderr.
/// </summary>
internal static class PullCommand
{
    /// <summary>The options taking a value that this verb accepts (without the leading <c>--</c>).</summary>
    public static readonly string[] Options = ["cache-dir"];

    /// <summary>The switches this verb accepts.</summary>
    public static readonly string[] Flags = ["force"];

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, Options, Flags);
        if (a.Positionals.Count != 1)
            throw new UsageException(a.Positionals.Count == 0 ? "pull needs a model name (e.g. mobilenetv3_large_100.ra_in1k)" : $"unexpected argument '{a.Positionals[1]}'");
        var entry = ModelHub.Find(a.Positionals[0]);
        string cacheDirectory = a.Get("cache-dir") is string dir ? Path.GetFullPath(dir) : ModelHub.CacheDirectory;

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var bar = TerminalProgressBar.ForStandardError(entry.Name);
            string path = ModelHub.DownloadAsync(entry, cacheDirectory, a.Flag("force"), bar, cancel.Token).GetAwaiter().GetResult();
            stdout.WriteLine(path);
            return CommandLine.Ok;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new ModelDownloadException($"download of {entry.Name} cancelled; run again to resume");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
