using System.Globalization;
using System.Text;

namespace Moosermail.Cli.Output;

/// <summary>
/// Aligned columns for people: a header, two spaces between columns, and on a terminal the widest flexible
/// columns cut with "…" until the line fits. Hand-written rather than Spectre.Console's Table: that one draws
/// boxes and measures the console itself, while here the width comes from <see cref="Terminal"/> (COLUMNS, or
/// none for a pipe) and a piped table must stay plain text that <c>cut</c>/<c>awk</c> can read.
/// </summary>
public sealed class Table(params string[] headers)
{
    private const string Gap = "  ";
    private readonly List<(string[] Cells, bool Strong)> _rows = [];
    private readonly HashSet<int> _flexible = [];

    /// <summary>Columns that may be cut to fit (subjects, names); others (ids, dates) never are.</summary>
    public Table Flexible(params int[] columns)
    {
        _flexible.UnionWith(columns);
        return this;
    }

    /// <summary>A row; <paramref name="strong"/> shows it bold on a colour terminal (unread mail).</summary>
    public Table Add(bool strong, params string[] cells)
    {
        _rows.Add((cells.Select(Clean).ToArray(), strong));
        return this;
    }

    public Table Add(params string[] cells) => Add(false, cells);

    public int Count => _rows.Count;

    public string Render(Terminal terminal)
    {
        var widths = headers.Select((h, i) => _rows.Select(r => Length(r.Cells[i])).Append(h.Length).Max()).ToArray();
        if (terminal.Width is { } limit)
        {
            Fit(widths, limit);
        }

        // When even the narrowest flexible columns do not fit, the line's end is cut: ids come first and stay whole.
        string Fitted(string line) => terminal.Width is { } w ? Cut(line, w) : line;
        var text = new StringBuilder();
        text.Append(terminal.Bold(Fitted(Line(headers, widths)))).Append('\n');
        foreach (var (cells, strong) in _rows)
        {
            var line = Fitted(Line(cells, widths));
            text.Append(strong ? terminal.Bold(line) : line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Shrinks the widest flexible column one character at a time until the line fits (never below 8).</summary>
    private void Fit(int[] widths, int limit)
    {
        while (widths.Sum() + (Gap.Length * (widths.Length - 1)) > limit)
        {
            var widest = _flexible.Where(i => widths[i] > 8).OrderByDescending(i => widths[i]).FirstOrDefault(-1);
            if (widest < 0)
            {
                return;
            }

            widths[widest]--;
        }
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = Cut(cells[i], widths[i]);
            line.Append(i == widths.Length - 1 ? cell : cell + new string(' ', widths[i] - Length(cell)) + Gap);
        }

        return line.ToString().TrimEnd();
    }

    private static string Cut(string cell, int width) =>
        Length(cell) <= width ? cell : new StringInfo(cell).SubstringByTextElements(0, Math.Max(0, width - 1)) + "…";

    /// <summary>Text elements, so an accented letter or an emoji counts once.</summary>
    private static int Length(string cell) => new StringInfo(cell).LengthInTextElements;

    /// <summary>One line per cell: a newline or tab from the API (a subject, a name) would break the columns.</summary>
    private static string Clean(string cell) =>
        string.Concat(cell.Select(c => char.IsControl(c) ? ' ' : c));
}
