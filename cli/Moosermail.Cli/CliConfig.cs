using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Cli;

/// <summary>One named profile: the API it talks to, its credential (session token or mk_ key) and its team.</summary>
public sealed record StoredProfile(
    [property: JsonPropertyName("api_url")] string? ApiUrl,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("team")] string? Team = null);

/// <summary>The config file: named profiles and the one used when none is chosen.</summary>
public sealed record StoredConfig(
    [property: JsonPropertyName("default_profile")] string? DefaultProfile,
    [property: JsonPropertyName("profiles")] Dictionary<string, StoredProfile>? Profiles)
{
    /// <summary>The file before profiles ({api_url, token} at the top); read as the "default" profile.</summary>
    [JsonPropertyName("api_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LegacyApiUrl { get; init; }

    [JsonPropertyName("token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LegacyToken { get; init; }
}

/// <summary>
/// Where the API is, which credential and which team to use. The profile is <c>--profile</c>, else
/// <c>MOOSERMAIL_PROFILE</c>, else the file's default profile, else "default". <c>MOOSERMAIL_API_URL</c>,
/// <c>MOOSERMAIL_API_KEY</c> and <c>MOOSERMAIL_TEAM</c> win over the profile's values; <c>--team</c> wins over all.
/// The file is <c>$XDG_CONFIG_HOME/moosermail/config.json</c> (else <c>~/.config/...</c>), mode 0600.
/// </summary>
public sealed class CliConfig(IDictionary<string, string?> environment)
{
    public const string DefaultApiUrl = "http://localhost:7071/api";
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
    public const string DefaultProfileName = "default";

    public string FilePath { get; } = Path.Combine(ConfigHome(environment), "moosermail", "config.json");

    /// <summary>Set from <c>--profile</c> before any command runs.</summary>
    public string? ProfileOption { get; set; }

    public string ProfileName => ProfileOption ?? Value("MOOSERMAIL_PROFILE") ?? Load().DefaultProfile ?? DefaultProfileName;

    public StoredProfile Profile => Profiles().GetValueOrDefault(ProfileName) ?? new StoredProfile(null, null);

    public string ApiUrl => Value("MOOSERMAIL_API_URL") ?? Profile.ApiUrl ?? DefaultApiUrl;

    /// <summary>The credential, or null when neither the environment nor the profile has one.</summary>
    public string? Token => Value("MOOSERMAIL_API_KEY") ?? Profile.Token;

    public bool TokenFromEnvironment => Value("MOOSERMAIL_API_KEY") is not null;

    /// <summary>The team to act in when <c>--team</c> is not given: a team id or name, or null for the credential's own.</summary>
    public string? Team => Value("MOOSERMAIL_TEAM") ?? Profile.Team;

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

    /// <summary>Every profile, with a pre-profiles file read as "default".</summary>
    public Dictionary<string, StoredProfile> Profiles()
    {
        var config = Load();
        var profiles = new Dictionary<string, StoredProfile>(config.Profiles ?? [], StringComparer.Ordinal);
        if ((config.LegacyApiUrl is not null || config.LegacyToken is not null) && !profiles.ContainsKey(DefaultProfileName))
        {
            profiles[DefaultProfileName] = new StoredProfile(config.LegacyApiUrl, config.LegacyToken);
        }

        return profiles;
    }

    /// <summary>Replaces (or with null removes) one profile and keeps the others.</summary>
    public void SaveProfile(string name, StoredProfile? profile, bool makeDefault = false)
    {
        var config = Load();
        var profiles = Profiles();
        if (profile is null)
        {
            profiles.Remove(name);
        }
        else
        {
            profiles[name] = profile;
        }

        var defaultProfile = makeDefault ? name : config.DefaultProfile;
        Save(new StoredConfig(defaultProfile is not null && (profiles.ContainsKey(defaultProfile) || makeDefault) ? defaultProfile : null, profiles));
    }

    /// <summary>Writes the file readable by its owner only (0600, in a 0700 directory on Unix).</summary>
    public void Save(StoredConfig config)
    {
        var directory = Path.GetDirectoryName(FilePath)!;
        var json = JsonSerializer.Serialize(config with { LegacyApiUrl = null, LegacyToken = null }, s_indented);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(FilePath, json);
            return;
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        const UnixFileMode privateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = privateFile };
        using var stream = new FileStream(FilePath, options);
        // An existing file keeps its mode on FileMode.Create; narrow it before any token is written.
        File.SetUnixFileMode(stream.SafeFileHandle, privateFile);
        using var writer = new StreamWriter(stream);
        writer.Write(json);
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
