using System.Text.RegularExpressions;
using Npgsql;

namespace Moosermail.Core.Data;

/// <summary>
/// The app's least-privilege database role: it may read and write the app's rows, never change the schema.
/// `migrate` (run as a schema owner: the Entra administrator on Azure) creates the role when missing and
/// grants it DML on every table after applying migrations, so tables added later are covered on the next run.
/// </summary>
public static partial class AppRoleGrants
{
    /// <summary>Role names cannot be SQL parameters; the name is checked against this and then double-quoted.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,62}$")]
    private static partial Regex RoleName();

    public static async Task GrantAsync(string connectionString, string role, CancellationToken cancellationToken)
    {
        if (!RoleName().IsMatch(role))
        {
            throw new ArgumentException($"'{role}' is not a role name this tool creates (letters, digits, _ and -, up to 63).", nameof(role));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", connection))
        {
            exists.Parameters.AddWithValue("role", role);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                await CreateAsync(connectionString, role, cancellationToken);
            }
        }

        var quoted = $"\"{role}\"";
        var database = $"\"{connection.Database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        await using var grant = new NpgsqlCommand(
            $"""
            GRANT CONNECT ON DATABASE {database} TO {quoted};
            GRANT USAGE ON SCHEMA public TO {quoted};
            REVOKE CREATE ON SCHEMA public FROM {quoted};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted};
            """,
            connection);
        await grant.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// On Azure the role must be bound to the Entra identity of the same name, with pgaadauth_create_principal,
    /// which lives in the postgres database; elsewhere a plain login role.
    /// </summary>
    private static async Task CreateAsync(string connectionString, string role, CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var probe = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'pgaadauth_create_principal')", connection);
        var onAzure = (bool)(await probe.ExecuteScalarAsync(cancellationToken))!;
        await using var create = new NpgsqlCommand(onAzure ? "SELECT pgaadauth_create_principal(@role, false, false)" : $"CREATE ROLE \"{role}\" LOGIN", connection);
        if (onAzure)
        {
            create.Parameters.AddWithValue("role", role);
        }

        await create.ExecuteNonQueryAsync(cancellationToken);
    }
}
