using System.Text.Json.Nodes;

namespace Moosermail.Tests.Infra.Bicep;

/// <summary>
/// The security page's promises about the network, held against the compiled template: PostgreSQL on an
/// internal-only network with no firewall to open, Key Vault and storage not publicly reachable, the app
/// integrated into the network.
/// </summary>
public sealed class NetworkIsolationTests
{
    [Fact]
    public async Task Postgres_PublicNetworkAccess_IsDisabledAndInjectedIntoASubnet()
    {
        var server = (await CompiledTemplate.MainAsync()).OnlyOne("Microsoft.DBforPostgreSQL/flexibleServers");
        var network = server["properties"]!["network"]!;

        Assert.Equal("Disabled", (string?)network["publicNetworkAccess"]);
        Assert.False(string.IsNullOrEmpty((string?)network["delegatedSubnetResourceId"]), "the server must live in a delegated subnet");
        Assert.False(string.IsNullOrEmpty((string?)network["privateDnsZoneArmResourceId"]), "the server must resolve through a private DNS zone");
    }

    [Fact]
    public async Task Postgres_FirewallRules_AreNone()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.Empty(template.OfType("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules"));
        Assert.DoesNotContain("0.0.0.0", template.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_Authentication_IsEntraOnly()
    {
        var server = (await CompiledTemplate.MainAsync()).OnlyOne("Microsoft.DBforPostgreSQL/flexibleServers");
        var properties = server["properties"]!;

        Assert.Equal("Enabled", (string?)properties["authConfig"]!["activeDirectoryAuth"]);
        Assert.Equal("Disabled", (string?)properties["authConfig"]!["passwordAuth"]);
        Assert.Null(properties["administratorLoginPassword"]);
    }

    [Fact]
    public async Task Postgres_EntraAdministrator_IsDeclared()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.NotEmpty(template.OfType("Microsoft.DBforPostgreSQL/flexibleServers/administrators"));
    }

    [Fact]
    public async Task Postgres_Tls_IsRequiredAtLeast12()
    {
        var settings = (await CompiledTemplate.MainAsync()).OfType("Microsoft.DBforPostgreSQL/flexibleServers/configurations")
            .ToDictionary(c => NameTail(c), c => (string?)c["properties"]!["value"]);

        Assert.Equal("on", settings["require_secure_transport"]);
        Assert.Equal("TLSv1.2", settings["ssl_min_protocol_version"]);
    }

    [Fact]
    public async Task KeyVault_IsNotPubliclyReachable()
    {
        var template = await CompiledTemplate.MainAsync();
        var vault = template.OnlyOne("Microsoft.KeyVault/vaults");

        AssertClosedToPublicNetworks(vault);
        Assert.True((bool?)vault["properties"]!["enableRbacAuthorization"]);
        AssertPrivateEndpointFor(template, "vault");
    }

    [Fact]
    public async Task Storage_IsNotPubliclyReachableAndHasNoSharedKeys()
    {
        var template = await CompiledTemplate.MainAsync();
        var storage = template.OnlyOne("Microsoft.Storage/storageAccounts");

        AssertClosedToPublicNetworks(storage);
        Assert.False((bool?)storage["properties"]!["allowSharedKeyAccess"]);
        Assert.False((bool?)storage["properties"]!["allowBlobPublicAccess"]);
        Assert.Equal("TLS1_2", (string?)storage["properties"]!["minimumTlsVersion"]);
        AssertPrivateEndpointFor(template, "blob");
    }

    [Fact]
    public async Task FunctionApp_IsIntegratedIntoTheNetwork()
    {
        var site = (await CompiledTemplate.MainAsync()).OnlyOne("Microsoft.Web/sites");

        Assert.False(string.IsNullOrEmpty((string?)site["properties"]!["virtualNetworkSubnetId"]), "the app must reach PostgreSQL, Key Vault and storage through the network");
    }

    [Fact]
    public async Task Template_HasNoAccountKeysOrListKeys()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.DoesNotContain("listKeys", template.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey=", template.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Password=", template.Text, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertClosedToPublicNetworks(JsonObject resource)
    {
        var properties = resource["properties"]!;
        Assert.Equal("Disabled", (string?)properties["publicNetworkAccess"]);
        Assert.Equal("Deny", (string?)properties["networkAcls"]!["defaultAction"]);
    }

    private static void AssertPrivateEndpointFor(CompiledTemplate template, string groupId)
    {
        // The private endpoint module is generic; its group id arrives as a module parameter.
        var modules = template.OfType("Microsoft.Resources/deployments")
            .Where(d => (string?)d["properties"]?["parameters"]?["groupId"]?["value"] == groupId)
            .ToList();
        Assert.True(modules.Count == 1, $"expected one private endpoint for '{groupId}', found {modules.Count}");
        Assert.NotEmpty(template.OfType("Microsoft.Network/privateEndpoints"));
    }

    /// <summary>The child's own name: 'max_connections' from "[format('{0}/{1}', parameters('name'), 'max_connections')]".</summary>
    private static string NameTail(JsonObject resource)
    {
        var name = ((string?)resource["name"] ?? string.Empty).TrimEnd(']', ')').TrimEnd('\'');
        return name[(name.LastIndexOfAny(['\'', '/']) + 1)..];
    }
}
