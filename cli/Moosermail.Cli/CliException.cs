namespace Moosermail.Cli;

/// <summary>An expected failure: its message is printed as one line on stderr and the command exits with <see cref="ExitCode"/>.</summary>
public class CliException(string message, int exitCode = CliException.Failed) : Exception(message)
{
    /// <summary>The API refused or could not be reached, or the local setup is wrong.</summary>
    public const int Failed = 1;

    /// <summary>The command line itself is wrong; nothing was sent.</summary>
    public const int Usage = 2;

    public int ExitCode { get; } = exitCode;
}

/// <summary>A command line that cannot work (a missing or conflicting option): exit code 2, nothing sent.</summary>
public sealed class UsageException(string message) : CliException(message, Usage);
