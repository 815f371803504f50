namespace Moosermail.Cli.Output;

/// <summary>
/// What stdout is: a terminal (tables truncated to <see cref="Width"/>, colour unless NO_COLOR or TERM=dumb) or
/// a pipe or file (no truncation, no colour). <c>COLUMNS</c> overrides the measured width, as in most tools.
/// </summary>
public sealed record Terminal(bool IsTty, int? Width, bool Colour)
{
    /// <summary>Not a terminal: what tests and pipes get.</summary>
    public static Terminal Pipe { get; } = new(IsTty: false, Width: null, Colour: false);

    public static Terminal Detect(IDictionary<string, string?> environment)
    {
        var isTty = !Console.IsOutputRedirected;
        int? measured = null;
        if (isTty)
        {
            try
            {
                measured = Console.WindowWidth > 0 ? Console.WindowWidth : null;
            }
            catch (IOException)
            {
                // No console to measure (a detached session): no truncation.
            }
        }

        return Create(isTty, measured, environment);
    }

    public static Terminal Create(bool isTty, int? measuredWidth, IDictionary<string, string?> environment)
    {
        int? width = environment.TryGetValue("COLUMNS", out var columns) && int.TryParse(columns, out var c) && c > 0 ? c : measuredWidth;
        var noColor = environment.TryGetValue("NO_COLOR", out var nc) && !string.IsNullOrEmpty(nc);
        var dumb = environment.TryGetValue("TERM", out var term) && term == "dumb";
        return new Terminal(isTty, isTty ? width : null, isTty && !noColor && !dumb);
    }

    public string Bold(string text) => Colour ? $"\u001b[1m{text}\u001b[0m" : text;

    public string Dim(string text) => Colour ? $"\u001b[2m{text}\u001b[0m" : text;
}
