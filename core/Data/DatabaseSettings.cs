using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;
using Npgsql;

namespace Moosermail.Core.Data;

/// <summary>
/// How the app reaches PostgreSQL: the connection string, how it authenticates, and its pool size. Read on
/// its own (not with the keys) so `migrate` needs only these settings.
/// </summary>
public sealed record DatabaseSettings
{
    public const string DatabaseUrlKey = MoosermailSettings.DatabaseUrlKey;
    public const string AuthKey = "MOOSERMAIL_DATABASE_AUTH";
    public const string PoolSizeKey = "MOOSERMAIL_DATABASE_POOL_SIZE";
    public const string AppRoleKey = "MOOSERMAIL_DATABASE_APP_ROLE";

    /// <summary>The connection string with the pool size applied; never holds an Entra token.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The password is a Microsoft Entra access token (Azure Database for PostgreSQL), refreshed before it expires.</summary>
    public bool UseEntraToken { get; init; }

    /// <summary>"host:port" for messages; never the password.</summary>
    public string Endpoint
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"{builder.Host}:{builder.Port}";
        }
    }

    /// <exception cref="ConfigurationException">A setting is missing or malformed.</exception>
    public static DatabaseSettings Load(IConfiguration configuration)
    {
        var url = configuration[DatabaseUrlKey];
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ConfigurationException($"{DatabaseUrlKey} is not set: set it to an Npgsql connection string, e.g. Host=localhost;Port=5432;Database=moosermail;Username=moosermail;Password=...");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(url.Trim());
        }
        catch (ArgumentException)
        {
            throw new ConfigurationException($"{DatabaseUrlKey} is not a valid Npgsql connection string; use the form Host=...;Database=...;Username=...;Password=...");
        }

        // Instances x pool size must stay within the server's max_connections (infra/README.md, "Connections").
        var poolSize = configuration[PoolSizeKey];
        if (!string.IsNullOrWhiteSpace(poolSize))
        {
            builder.MaxPoolSize = int.TryParse(poolSize, System.Globalization.CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 1024
                ? size
                : throw new ConfigurationException($"{PoolSizeKey} must be a whole number from 1 to 1024 (connections per instance), not '{poolSize}'.");
        }

        var auth = configuration[AuthKey]?.Trim().ToLowerInvariant();
        var useEntra = auth switch
        {
            null or "" or "password" => false,
            "entra" => true,
            _ => throw new ConfigurationException($"{AuthKey} must be 'password' (the connection string's own) or 'entra' (a Microsoft Entra token of the managed identity), not '{auth}'."),
        };
        if (useEntra && !string.IsNullOrEmpty(builder.Password))
        {
            throw new ConfigurationException($"{AuthKey}=entra sends an Entra token as the password: remove Password from {DatabaseUrlKey}.");
        }

        return new DatabaseSettings { ConnectionString = builder.ConnectionString, UseEntraToken = useEntra };
    }
}
