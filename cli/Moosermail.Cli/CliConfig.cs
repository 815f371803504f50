using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Cli;

/// <summary>What <c>login</c> stores: the API URL it used and the session token.</summary>
public sealed record StoredConfig(
    [property: JsonPropertyName("api_url")] string? ApiUrl,
    [property: JsonPropertyName("token")] string? Token);

/// <summary>
/// Where the API is and which credential to use: <c>MOOSERMAIL_API_URL</c> and <c>MOOSERMAIL_API_KEY</c>
/// win over the config file (<c>$XDG_CONFIG_HOME/moosermail/config.json</c>, else <c>~/.config/...</c>).
/// </summary>
public sealed class CliConfig(IDictionary<string, string?> environment)
{
    public const string DefaultApiUrl = "http://localhost:7071/api";

    public string FilePath { get; } = Path.Combine(ConfigHome(environment), "moosermail", "config.json");

    public string ApiUrl => Value("MOOSERMAIL_API_URL") ?? Load().ApiUrl ?? DefaultApiUrl;

    /// <summary>The credential, or null when neither the environment nor the file has one.</summary>
    public string? Token => Value("MOOSERMAIL_API_KEY") ?? Load().Token;

    public bool TokenFromEnvironment => Value("MOOSERMAIL_API_KEY") is not null;

    public StoredConfig Load()
    {
        if (!File.Exists(FilePath))
        {
            return new StoredConfig(null, null);
        }

        try
        {
            return JsonSerializer.Deserialize<StoredConfig>(File.ReadAllText(FilePath)) ?? new StoredConfig(null, null);
        }
        catch (JsonException e)
        {
            throw new CliException($"{FilePath} is not valid JSON ({e.Message}); fix or delete it.");
        }
    }

    /// <summary>Writes the file readable by its owner only (0600, in a 0700 directory on Unix).</summary>
    public void Save(StoredConfig config)
    {
        var directory = Path.GetDirectoryName(FilePath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(FilePath, JsonSerializer.Serialize(config));
            return;
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        const UnixFileMode privateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = privateFile };
        using (var stream = new FileStream(FilePath, options))
        {
            // An existing file keeps its mode on FileMode.Create; narrow it before the token is written.
            File.SetUnixFileMode(stream.SafeFileHandle, privateFile);
            JsonSerializer.Serialize(stream, config);
        }
    }

    private string? Value(string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string ConfigHome(IDictionary<string, string?> environment)
    {
        if (environment.TryGetValue("XDG_CONFIG_HOME", out var xdg) && !string.IsNullOrWhiteSpace(xdg))
        {
            return xdg;
        }

        var home = environment.TryGetValue("HOME", out var h) && !string.IsNullOrWhiteSpace(h)
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".config");
    }
}
