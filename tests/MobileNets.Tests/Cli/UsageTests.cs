using System.Text.RegularExpressions;
using MobileNets.Cli;

namespace MobileNets.Tests.Cli;

/// <summary>
/// The help text and the README's command-line reference list every verb and every option the code
/// accepts, and nothing else: a new option without documentation fails here.
/// </summary>
public partial class UsageTests
{
    [GeneratedRegex(@"--([a-z][a-z-]*)")] private static partial Regex OptionName();
    [GeneratedRegex(@"^mobilenets ([a-z]+)( |$)")] private static partial Regex UsageLine();

    /// <summary>Verb -> every <c>--name</c> on its usage lines (<c>mobilenets VERB ...</c>; the help's title line is not one).</summary>
    static Dictionary<string, SortedSet<string>> Documented(IEnumerable<string> lines)
    {
        var documented = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Select(l => l.Trim()))
        {
            var usage = UsageLine().Match(line);
            if (!usage.Success) continue;
            string verb = usage.Groups[1].Value;
            if (!documented.TryGetValue(verb, out var names)) documented[verb] = names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (Match m in OptionName().Matches(line)) names.Add(m.Groups[1].Value);
        }
        return documented;
    }

    static void AssertListsEveryVerbAndOption(Dictionary<string, SortedSet<string>> documented, string where)
    {
        foreach (var (name, verb) in CommandLine.Verbs)
        {
            Assert.True(documented.ContainsKey(name), $"{where} has no usage line for '{name}'");
            Assert.Equal(new SortedSet<string>(verb.Options.Concat(verb.Flags), StringComparer.Ordinal), documented[name]);
        }
        Assert.All(documented.Keys.Where(v => v != "help"), v => Assert.True(CommandLine.Verbs.ContainsKey(v), $"{where} documents an unknown verb '{v}'"));
    }

    [Fact]
    public void HelpListsEveryVerbAndOption() =>
        AssertListsEveryVerbAndOption(Documented(CommandLine.Usage.Split('\n')), "the help text");

    [Fact]
    public void ReadmeListsEveryVerbAndOption()
    {
        var readme = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot(), "README.md"));
        int start = Array.IndexOf(readme, "## Command line");
        Assert.True(start >= 0, "README has no '## Command line' section");
        int end = Array.FindIndex(readme, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        var section = readme[start..(end < 0 ? readme.Length : end)];
        // The usage block: the first fenced block of the section.
        int open = Array.FindIndex(section, l => l.StartsWith("```", StringComparison.Ordinal));
        int close = Array.FindIndex(section, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        AssertListsEveryVerbAndOption(Documented(section[(open + 1)..close]), "README's command-line block");
    }

    [Fact]
    public void HelpExitsZero()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("mobilenets pull NAME [--force] [--cache-dir DIR]", r.Stdout);
    }
}
