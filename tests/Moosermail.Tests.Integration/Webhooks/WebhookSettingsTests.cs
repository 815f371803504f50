using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Secrets;
using Moosermail.ResendSandbox;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Webhooks;

/// <summary>GET/PUT/DELETE /api/webhooks/resend and rotate: the URL, the write-only secret, permissions, isolation.</summary>
[Collection(AppCollection.Name)]
public sealed class WebhookSettingsTests(AppFixture app)
{
    private readonly WebhookTestKit _kit = new(app.CreateClient(), app.DatabaseUrl);

    [Fact]
    public async Task Get_FirstCall_CreatesOneUnguessableEndpoint()
    {
        var user = await TestUsers.CreateAsync(app);

        var first = await _kit.SettingsAsync(user);
        var second = await _kit.SettingsAsync(user);

        var url = first.GetProperty("url").GetString()!;
        var endpoint = WebhookTestKit.EndpointIdOf(first);
        Assert.Equal(url, second.GetProperty("url").GetString());
        Assert.StartsWith("https://moosermail.test/api/webhooks/resend/", url, StringComparison.Ordinal);
        Assert.True(endpoint.Length >= 32, endpoint);
        Assert.DoesNotContain(user.TeamId.ToString("N"), url.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(user.UserId.ToString("N"), url.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.False(first.GetProperty("signing_secret_set").GetBoolean());
        Assert.Equal(0, first.GetProperty("events_received").GetInt64());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("last_event_at").ValueKind);
    }

    [Fact]
    public async Task Put_ValidSecret_StoredEncryptedNeverReturned()
    {
        var user = await TestUsers.CreateAsync(app);
        var secret = SvixSigner.NewSecret();

        var response = await _kit.Client.SendAsync(user.Request(HttpMethod.Put, "api/webhooks/resend", new { signing_secret = secret }));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(secret[6..], text, StringComparison.Ordinal);
        var settings = JsonDocument.Parse(text).RootElement;
        Assert.True(settings.GetProperty("signing_secret_set").GetBoolean());
        Assert.False(settings.TryGetProperty("warning", out var warning) && warning.ValueKind == JsonValueKind.String);
        var stored = await StoredSecretAsync(user.TeamId);
        Assert.StartsWith("v1.", stored.Envelope, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], stored.Envelope, StringComparison.Ordinal);
        var cipher = app.App.Services.GetRequiredService<SecretCipher>();
        Assert.Equal(secret, cipher.Decrypt(stored.Envelope, new SecretContext(SecretContext.WebhookSigningSecret, user.TeamId, stored.RowId)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_")]
    public async Task Put_MalformedSecret_Returns400(string secret)
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _kit.Client.SendAsync(user.Request(HttpMethod.Put, "api/webhooks/resend", new { signing_secret = secret }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestUsers.ProblemAsync(response)).GetProperty("errors").TryGetProperty("signing_secret", out _));
    }

    [Fact]
    public async Task Delete_Secret_BackToUnverifiedWithWarning()
    {
        var user = await TestUsers.CreateAsync(app);
        await _kit.SetSecretAsync(user);

        var settings = await _kit.JsonAsync(user, HttpMethod.Delete, "api/webhooks/resend");

        Assert.False(settings.GetProperty("signing_secret_set").GetBoolean());
        Assert.Equal(JsonValueKind.String, settings.GetProperty("warning").ValueKind);
    }

    [Fact]
    public async Task Rotate_NewEndpointId_OldOneReturns404()
    {
        var user = await TestUsers.CreateAsync(app);
        var secret = await _kit.SetSecretAsync(user);
        var old = await _kit.EndpointIdAsync(user);

        var rotated = WebhookTestKit.EndpointIdOf(await _kit.JsonAsync(user, HttpMethod.Post, "api/webhooks/resend/rotate"));
        var body = WebhookTestKit.EmailEvent("email.sent", "r1");
        var toOld = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(old, secret, body, app.Time.GetUtcNow()));
        var toNew = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(rotated, secret, body, app.Time.GetUtcNow()));

        Assert.NotEqual(old, rotated);
        Assert.Equal(HttpStatusCode.NotFound, toOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, toNew.StatusCode);
    }

    [Fact]
    public async Task Put_KeyWithoutWebhooksWrite_Returns403()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_kit.Client, user, permissions: ["webhooks:read"]);
        var reader = user.Using(key);

        var get = await _kit.Client.SendAsync(reader.Request(HttpMethod.Get, "api/webhooks/resend"));
        var put = await _kit.Client.SendAsync(reader.Request(HttpMethod.Put, "api/webhooks/resend", new { signing_secret = SvixSigner.NewSecret() }));
        var rotate = await _kit.Client.SendAsync(reader.Request(HttpMethod.Post, "api/webhooks/resend/rotate"));
        var delete = await _kit.Client.SendAsync(reader.Request(HttpMethod.Delete, "api/webhooks/resend"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rotate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
    }

    [Fact]
    public async Task TwoTeams_EachHaveTheirOwnEndpointAndSecret()
    {
        var a = await TestUsers.CreateAsync(app);
        var b = await TestUsers.CreateAsync(app);
        var secretA = await _kit.SetSecretAsync(a);

        var settingsA = await _kit.SettingsAsync(a);
        var settingsB = await _kit.SettingsAsync(b);
        await _kit.JsonAsync(b, HttpMethod.Delete, "api/webhooks/resend");
        await _kit.JsonAsync(b, HttpMethod.Post, "api/webhooks/resend/rotate");
        var response = await _kit.Client.SendAsync(WebhookTestKit.SignedPost(WebhookTestKit.EndpointIdOf(settingsA), secretA, WebhookTestKit.EmailEvent("email.sent", "iso"), app.Time.GetUtcNow()));

        Assert.NotEqual(settingsA.GetProperty("url").GetString(), settingsB.GetProperty("url").GetString());
        Assert.False(settingsB.GetProperty("signing_secret_set").GetBoolean());
        Assert.True((await _kit.SettingsAsync(a)).GetProperty("signing_secret_set").GetBoolean());
        Assert.Equal(settingsA.GetProperty("url").GetString(), (await _kit.SettingsAsync(a)).GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await _kit.SettingsAsync(b)).GetProperty("events_received").GetInt64());
    }

    [Fact]
    public async Task Rewrap_CoversWebhookSigningSecrets()
    {
        var user = await TestUsers.CreateAsync(app);
        var rewrapper = app.App.Services.GetRequiredService<SecretRewrapper>();
        var before = await rewrapper.RunAsync(CancellationToken.None);

        await _kit.SetSecretAsync(user);
        var after = await rewrapper.RunAsync(CancellationToken.None);

        Assert.Equal(before.AlreadyCurrent + before.Rewrapped.Values.Sum() + 1, after.AlreadyCurrent);
    }

    private async Task<(Guid RowId, string Envelope)> StoredSecretAsync(Guid teamId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.DatabaseUrl);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id, encrypted_signing_secret FROM webhook_endpoints WHERE team_id = @t", connection);
        command.Parameters.AddWithValue("t", teamId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetGuid(0), reader.GetString(1));
    }
}
