using Azure.Core;
using Azure.Identity;

namespace Moosermail.Core.Data;

/// <summary>
/// Microsoft Entra access tokens for Azure Database for PostgreSQL. DefaultAzureCredential takes the
/// user-assigned managed identity named by AZURE_CLIENT_ID on Azure, and `az login` on an operator's machine.
/// </summary>
internal static class EntraTokens
{
    private static readonly string[] s_scopes = ["https://ossrdbms-aad.database.windows.net/.default"];

    private static readonly Lazy<TokenCredential> s_credential = new(() => new DefaultAzureCredential());

    /// <summary>Tokens last about an hour; the data source asks again well before that.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(30);

    public static async ValueTask<string> GetAsync(CancellationToken cancellationToken) =>
        (await s_credential.Value.GetTokenAsync(new TokenRequestContext(s_scopes), cancellationToken)).Token;
}
