using MobileNets.Cli.Commands;

namespace MobileNets.Cli;

/// <summary>Entry point of the `mobilenets` tool: dispatches verbs, maps failures to exit codes (0 ok, 1 bad file, 2 bad arguments).</summary>
internal static class CommandLine
{
    public const int Ok = 0, BadFile = 1, BadArguments = 2;

    static readonly Dictionary<string, Func<string[], TextWriter, int>> Verbs = new(StringComparer.Ordinal)
    {
        ["infer"] = InferCommand.Run,
        ["info"] = InfoCommand.Run,
        ["bench"] = BenchCommand.Run,
        ["classify"] = ClassifyCommand.Run,
        ["preprocess"] = PreprocessCommand.Run,
        ["pull"] = PullCommand.Run,
        ["detect"] = DetectCommand.Run,
        ["segment"] = SegmentCommand.Run,
    };

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? BadArguments : Ok;
            }
            if (!Verbs.TryGetValue(args[0], out var verb))
                throw new UsageException($"unknown command '{args[0]}' (commands: {string.Join(", ", Verbs.Keys)})");
            return verb(args[1..], stdout);
        }
        catch (Exception e)
        {
            var (code, message) = Classify(e);
            stderr.WriteLine($"mobilenets: {message}");
            return code;
        }
    }

    /// <summary>One line per failure, never a stack trace.</summary>
    static (int Code, string Message) Classify(Exception e)
    {
        string line = FirstLine(e.Message);
        return e switch
        {
            UsageException or ArgumentException => (BadArguments, line),
            ModelFormatException or FileNotFoundException or DirectoryNotFoundException or IOException
                or UnauthorizedAccessException or InvalidDataException => (BadFile, line),
            ImageFormatException => (BadFile, line),
            _ => (BadFile, $"internal error ({e.GetType().Name}): {line}"),
        };
    }

    static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }

    const string Usage = """
        mobilenets - MobileNet inference on the CPU, pure managed .NET

        usage:
          mobilenets infer --model W [--arch A] [--width X] --input IO.safetensors --output OUT.safetensors
          mobilenets classify IMAGE... [--model W] [--arch A] [--width X] [--top K] [--threads T] [--json]
          mobilenets detect IMAGE --model W [--threshold T] [--threads T] [--out annotated.png] [--json]
          mobilenets segment IMAGE --model W [--arch A] [--alpha A] [--threads T] [--out overlay.png] [--json]
          mobilenets preprocess IMAGE --arch A [--model W] --output OUT.safetensors
          mobilenets pull NAME [--force]
          mobilenets info  --model W [--arch A] [--width X] [--json]
          mobilenets bench --arch A [--width X] [--input-size S] [--batch N] [--threads T] [--iterations K] [--warmup K] [--json]
        """;
}
