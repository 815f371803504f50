namespace Moosermail.Cli;

/// <summary>An expected failure: its message is printed as one line on stderr and the command exits 1.</summary>
public sealed class CliException(string message) : Exception(message);
