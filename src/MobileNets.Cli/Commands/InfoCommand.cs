using System.Globalization;
using MobileNets.Models;

namespace MobileNets.Cli.Commands;

/// <summary><c>info</c>: architecture, width, classes, parameters and MACs at the default resolution.</summary>
internal static class InfoCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var a = new ParsedArgs(args, ["model", "arch", "width"], ["json"]);
        if (a.Positionals.Count > 0) throw new UsageException($"unexpected argument '{a.Positionals[0]}'");
        var (file, published) = ModelPaths.Resolve(a.Require("model"));
        var model = ClassifierModel.Load(file, a.Get("arch") ?? published, a.Double("width", 0.01, 8));
        var inv = CultureInfo.InvariantCulture;
        int size = model.Architecture.DefaultInputSize;
        long macs = model.DefaultMultiplyAccumulates;
        if (a.Flag("json"))
        {
            stdout.WriteLine(string.Create(inv,
                $"{{\"architecture\": \"{model.Architecture.Id}\", \"width\": {model.Width}, \"num_classes\": {model.NumClasses}, \"parameters\": {model.ParameterCount}, \"macs\": {macs}, \"input_size\": {size}}}"));
            return CommandLine.Ok;
        }
        stdout.WriteLine($"architecture  {model.Architecture.Id} ({model.Architecture.Library})");
        stdout.WriteLine(string.Create(inv, $"width         {model.Width}"));
        stdout.WriteLine($"classes       {model.NumClasses}");
        stdout.WriteLine(string.Create(inv, $"parameters    {model.ParameterCount:N0} ({model.ParameterCount / 1e6:0.00} M)"));
        stdout.WriteLine(string.Create(inv, $"MACs          {macs:N0} ({macs / 1e6:0.0} M at {size}x{size})"));
        return CommandLine.Ok;
    }
}
