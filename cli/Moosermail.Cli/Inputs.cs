namespace Moosermail.Cli;

/// <summary>Text given inline, from a file, or from stdin ('-'): the body options of send, reply, drafts and templates.</summary>
public static class Inputs
{
    /// <summary>The inline value, or the file's content ('-' reads stdin); both given is a usage error.</summary>
    public static async Task<string?> TextAsync(CliContext cli, string? inline, string? file, string inlineName, string fileName, CancellationToken cancellationToken)
    {
        if (inline is not null && file is not null)
        {
            throw new UsageException($"give {inlineName} or {fileName}, not both");
        }

        if (inline == "-" || file == "-")
        {
            return await cli.In.ReadToEndAsync(cancellationToken);
        }

        if (file is null)
        {
            return inline;
        }

        try
        {
            return await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {fileName} {file}: {e.Message}");
        }
    }

    public static string Path(string segment, string id) => segment + "/" + Uri.EscapeDataString(id);

    /// <summary>A query string from the given pairs, skipping nulls.</summary>
    public static string Query(string path, params (string Name, string? Value)[] pairs)
    {
        var given = pairs.Where(p => p.Value is not null).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return given.Count == 0 ? path : path + "?" + string.Join('&', given);
    }
}
