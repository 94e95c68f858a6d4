namespace MobileNets.Cli;

/// <summary>Bad command-line arguments: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
