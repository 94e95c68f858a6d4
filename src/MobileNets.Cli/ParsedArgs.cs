using System.Globalization;

namespace MobileNets.Cli;

/// <summary>
/// A verb's arguments: <c>--name value</c> options, <c>--flag</c> switches and positionals, checked
/// against what the verb accepts so a typo fails with exit code 2 instead of being ignored.
/// </summary>
internal sealed class ParsedArgs
{
    readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    public List<string> Positionals { get; } = [];

    public ParsedArgs(IEnumerable<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string a = e.Current;
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? inline = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
                if (flags.Contains(name)) { _flags.Add(name); continue; }
                if (!options.Contains(name)) throw new UsageException($"unknown option --{name}");
                if (inline == null)
                {
                    if (!e.MoveNext()) throw new UsageException($"option --{name} needs a value");
                    inline = e.Current;
                }
                if (!_options.TryAdd(name, inline)) throw new UsageException($"option --{name} given twice");
            }
            else Positionals.Add(a);
        }
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new UsageException($"missing required option --{name}");

    public double? Double(string name, double min, double max)
    {
        var s = Get(name);
        if (s == null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= min && v <= max))
            throw new UsageException($"--{name} must be a number in [{min}, {max}], got '{s}'");
        return v;
    }

    public int? Int(string name, int min, int max)
    {
        var s = Get(name);
        if (s == null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new UsageException($"--{name} must be an integer in [{min}, {max}], got '{s}'");
        return v;
    }
}
