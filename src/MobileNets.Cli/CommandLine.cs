namespace MobileNets.Cli;

/// <summary>Entry point of the `mobilenets` tool: dispatches verbs, maps failures to exit codes.</summary>
internal static class CommandLine
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("mobilenets: no verbs yet");
        return 2;
    }
}
