using MobileNets.Cli.Commands;

namespace MobileNets.Cli;

/// <summary>Entry point of the `mobilenets` tool: dispatches verbs, maps failures to exit codes (0 ok, 1 bad file, 2 bad arguments).</summary>
internal static class CommandLine
{
    public const int Ok = 0, BadFile = 1, BadArguments = 2;

    /// <summary>A verb: what runs it, the options taking a value and the switches it accepts (the usage text lists them all; tests hold it to that).</summary>
    internal sealed record Verb(Func<string[], TextWriter, int> Run, IReadOnlyList<string> Options, IReadOnlyList<string> Flags);

    internal static readonly IReadOnlyDictionary<string, Verb> Verbs = new Dictionary<string, Verb>(StringComparer.Ordinal)
    {
        ["classify"] = new(ClassifyCommand.Run, ClassifyCommand.Options, ClassifyCommand.Flags),
        ["detect"] = new(DetectCommand.Run, DetectCommand.Options, DetectCommand.Flags),
        ["segment"] = new(SegmentCommand.Run, SegmentCommand.Options, SegmentCommand.Flags),
        ["infer"] = new(InferCommand.Run, InferCommand.Options, InferCommand.Flags),
        ["preprocess"] = new(PreprocessCommand.Run, PreprocessCommand.Options, PreprocessCommand.Flags),
        ["info"] = new(InfoCommand.Run, InfoCommand.Options, InfoCommand.Flags),
        ["models"] = new(ModelsCommand.Run, ModelsCommand.Options, ModelsCommand.Flags),
        ["pull"] = new(PullCommand.Run, PullCommand.Options, PullCommand.Flags),
        ["bench"] = new(BenchCommand.Run, BenchCommand.Options, BenchCommand.Flags),
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
            return verb.Run(args[1..], stdout);
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

    /// <summary>The help text: one line per form of every verb, with every option it accepts.</summary>
    internal const string Usage = """
        mobilenets - MobileNet inference on the CPU, pure managed .NET

        usage:
          mobilenets classify IMAGE... [--model W] [--arch A] [--width X] [--top K] [--threads T] [--out annotated.png] [--json]
          mobilenets detect IMAGE --model W [--arch A] [--threshold T] [--threads T] [--out annotated.png] [--json]
          mobilenets segment IMAGE --model W [--arch A] [--alpha A] [--threads T] [--out overlay.png] [--json]
          mobilenets infer --model W [--arch A] [--width X] --input IO.safetensors --output OUT.safetensors
          mobilenets preprocess IMAGE (--arch A | --model W) [--width X] --output OUT.safetensors
          mobilenets info --model W [--arch A] [--width X] [--json]
          mobilenets info --arch A [--width X] [--json]
          mobilenets models [--json]
          mobilenets pull NAME [--force] [--cache-dir DIR]
          mobilenets bench --arch A [--width X] [--input-size S] [--batch N] [--threads T] [--iterations K] [--warmup K] [--classes C] [--json]
          mobilenets help
        """;
}
