using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moosermail.Tests.Infra.Bicep;

/// <summary>
/// The Function App's settings and front door: HTTPS only with TLS 1.2+, no basic-auth publishing, every
/// secret a Key Vault reference, the database reached without a password, the trusted proxy set, and the
/// connection pool inside the server's budget.
/// </summary>
public sealed class AppSettingsTests
{
    /// <summary>Names that hold a secret whatever their value; anything new that looks like one is caught by the pattern below.</summary>
    private static readonly string[] s_knownSecrets = ["ENCRYPTION_KEY", "JWT_SECRET", "ENCRYPTION_KEYS_PREVIOUS"];

    /// <summary>Settings whose names look secret but hold none (ids and identity-based connection descriptions).</summary>
    private static readonly string[] s_notSecrets = ["APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "AZURE_CLIENT_ID"];

    [Fact]
    public async Task FunctionApp_HttpsOnlyAndTls12()
    {
        var site = (await CompiledTemplate.MainAsync()).OnlyOne("Microsoft.Web/sites");
        var properties = site["properties"]!;

        Assert.True((bool?)properties["httpsOnly"]);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["minTlsVersion"]);
        Assert.Equal("Disabled", (string?)properties["siteConfig"]!["ftpsState"]);
    }

    [Fact]
    public async Task FunctionApp_BasicAuthPublishing_IsOffForScmAndFtp()
    {
        var policies = (await CompiledTemplate.MainAsync()).OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.False((bool?)p["properties"]!["allow"]));
    }

    [Fact]
    public async Task AppSettings_EverySecret_IsAKeyVaultReference()
    {
        var settings = await AppSettingsAsync();

        foreach (var name in s_knownSecrets)
        {
            Assert.True(settings.ContainsKey(name), $"{name} is missing from the app settings");
        }

        var secretLooking = settings.Keys.Where(name => s_knownSecrets.Contains(name) || LooksSecret(name)).ToList();
        Assert.All(secretLooking, name => Assert.True(
            settings[name].Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal),
            $"{name} must be a Key Vault reference, not {settings[name]}"));
    }

    [Fact]
    public async Task AppSettings_Database_HasNoPasswordAndVerifiesTheServer()
    {
        var settings = await AppSettingsAsync();
        var databaseUrl = (string?)(await CompiledTemplate.MainAsync()).Resources
            .Select(r => r["properties"]?["parameters"]?["databaseUrl"]?["value"])
            .FirstOrDefault(v => v is not null);

        Assert.Equal("'entra'", settings["MOOSERMAIL_DATABASE_AUTH"]);
        Assert.NotNull(databaseUrl);
        Assert.Contains("SSL Mode=VerifyFull", databaseUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", databaseUrl, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AppSettings_TrustedProxies_IsTheFunctionsHostOnLoopback()
    {
        var settings = await AppSettingsAsync();

        Assert.Equal("'127.0.0.1,::1'", settings["MOOSERMAIL_TRUSTED_PROXIES"]);
    }

    [Fact]
    public async Task AppSettings_PoolSize_IsDerivedFromTheServerBudget()
    {
        var template = await CompiledTemplate.MainAsync();
        var settings = await AppSettingsAsync();
        var variables = template.Root["variables"]!;
        var parameters = template.Root["parameters"]!;

        Assert.Equal("string(parameters('databasePoolSize'))", settings["MOOSERMAIL_DATABASE_POOL_SIZE"]);
        Assert.Equal("[sub(parameters('postgresMaxConnections'), parameters('postgresReservedConnections'))]", (string?)variables["appConnectionBudget"]);
        Assert.Equal("[div(variables('appConnectionBudget'), parameters('maximumInstanceCount'))]", (string?)variables["databasePoolSize"]);

        // With the defaults: instances x pool within what the server gives the app.
        var maxConnections = (int)parameters["postgresMaxConnections"]!["defaultValue"]!;
        var reserved = (int)parameters["postgresReservedConnections"]!["defaultValue"]!;
        var instances = (int)parameters["maximumInstanceCount"]!["defaultValue"]!;
        var pool = (maxConnections - reserved) / instances;
        Assert.InRange(pool, 1, int.MaxValue);
        Assert.True(instances * pool <= maxConnections - reserved);
    }

    [Fact]
    public async Task ApplicationInsights_LocalAuth_IsOff()
    {
        var insights = (await CompiledTemplate.MainAsync()).OnlyOne("Microsoft.Insights/components");

        Assert.True((bool?)insights["properties"]!["DisableLocalAuth"]);
    }

    [Fact]
    public async Task Outputs_HoldNoSecret()
    {
        var outputs = (await CompiledTemplate.MainAsync()).Root["outputs"]!.AsObject();

        Assert.All(outputs, pair =>
        {
            Assert.NotEqual("securestring", (string?)pair.Value!["type"], StringComparer.OrdinalIgnoreCase);
            var value = pair.Value!["value"]?.ToJsonString() ?? string.Empty;
            Assert.DoesNotContain("encryptionKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("jwtSecret", value, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void ParametersFile_HoldsNoSecretValue()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(BuildInfo.InfraDirectory, "main.parameters.json")))!;

        // azd fills ${VAR} placeholders from its environment; a literal value here would be committed.
        Assert.All(file["parameters"]!.AsObject(), pair =>
        {
            var value = pair.Value!["value"]?.GetValue<string>() ?? string.Empty;
            Assert.Matches(@"^\$\{[A-Z_]+(=[^}]*)?\}$", value);
        });
    }

    private static async Task<IReadOnlyDictionary<string, string>> AppSettingsAsync()
    {
        var config = (await CompiledTemplate.MainAsync()).OfType("Microsoft.Web/sites/config")
            .Single(c => ((string?)c["name"] ?? string.Empty).Contains("appsettings", StringComparison.Ordinal));
        return config["properties"] switch
        {
            JsonObject literal => literal.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? $"'{v}'" : p.Value?.ToJsonString() ?? string.Empty),
            JsonValue expression => ArmExpression.CreateObjectPairs((string)expression!),
            _ => throw new InvalidOperationException("app settings have an unexpected shape"),
        };
    }

    private static bool LooksSecret(string name) =>
        !s_notSecrets.Contains(name, StringComparer.Ordinal)
        && (name.Contains("KEY", StringComparison.OrdinalIgnoreCase)
            || name.Contains("SECRET", StringComparison.OrdinalIgnoreCase)
            || name.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase)
            || name.Contains("TOKEN", StringComparison.OrdinalIgnoreCase));
}
