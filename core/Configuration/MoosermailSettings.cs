using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Moosermail.Core.Configuration;

/// <summary>
/// Every setting the app needs, read once from configuration (environment variables, or the Values of
/// local.settings.json) and validated before anything starts. Secrets have no defaults: a missing or
/// malformed one stops the app with a message naming the setting and how to make a value.
/// </summary>
public sealed record MoosermailSettings
{
    public const string DatabaseUrlKey = "MOOSERMAIL_DATABASE_URL";
    public const string EncryptionKeyKey = "ENCRYPTION_KEY";
    public const string JwtSecretKey = "JWT_SECRET";
    public const string ResendBaseUrlKey = "RESEND_BASE_URL";
    public const string PublicUrlKey = "MOOSERMAIL_PUBLIC_URL";

    public required string DatabaseUrl { get; init; }
    public required byte[] EncryptionKey { get; init; }
    public required byte[] JwtSecret { get; init; }
    public required Uri ResendBaseUrl { get; init; }
    public required Uri PublicUrl { get; init; }

    /// <exception cref="ConfigurationException">A setting is missing or malformed.</exception>
    public static MoosermailSettings Load(IConfiguration configuration)
    {
        var databaseUrl = Required(configuration, DatabaseUrlKey,
            "set it to an Npgsql connection string, e.g. Host=localhost;Port=5432;Database=moosermail;Username=moosermail;Password=...");
        try
        {
            _ = new NpgsqlConnectionStringBuilder(databaseUrl);
        }
        catch (ArgumentException)
        {
            throw new ConfigurationException($"{DatabaseUrlKey} is not a valid Npgsql connection string; use the form Host=...;Database=...;Username=...;Password=...");
        }

        return new MoosermailSettings
        {
            DatabaseUrl = databaseUrl,
            EncryptionKey = KeyMaterial.Parse(EncryptionKeyKey, Required(configuration, EncryptionKeyKey, KeyMaterial.HowToGenerate)),
            JwtSecret = KeyMaterial.Parse(JwtSecretKey, Required(configuration, JwtSecretKey, KeyMaterial.HowToGenerate)),
            ResendBaseUrl = AbsoluteUrl(configuration, ResendBaseUrlKey, "https://api.resend.com"),
            PublicUrl = AbsoluteUrl(configuration, PublicUrlKey, "http://localhost:7071"),
        };
    }

    private static string Required(IConfiguration configuration, string key, string howToFix)
    {
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value)
            ? throw new ConfigurationException($"{key} is not set: {howToFix}")
            : value.Trim();
    }

    private static Uri AbsoluteUrl(IConfiguration configuration, string key, string fallback)
    {
        var value = configuration[key];
        var text = string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ConfigurationException($"{key} must be an absolute http(s) URL, e.g. {fallback}");
    }
}
