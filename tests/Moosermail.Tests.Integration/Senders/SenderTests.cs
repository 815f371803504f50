using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Secrets;
using Moosermail.Core.Senders;
using Moosermail.Tests.Integration.Infrastructure;
using Moosermail.Tests.Integration.Resend;
using Npgsql;

namespace Moosermail.Tests.Integration.Senders;

[Collection(AppCollection.Name)]
public sealed class SenderTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Create_ValidKey_StoresItEncryptedAndShowsOnlyAHint()
    {
        var user = await TestUsers.CreateAsync(app);
        var apiKey = SandboxFixture.NewKey();

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = apiKey, from_address = "  Team <Hello@Example.COM> ", name = "marketing" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal($"re_…{apiKey[^4..]}", body.RootElement.GetProperty("hint").GetString());
        Assert.Equal("Team <hello@example.com>", body.RootElement.GetProperty("from_address").GetString());
        Assert.True(body.RootElement.GetProperty("is_default").GetBoolean());
        Assert.DoesNotContain(apiKey, text, StringComparison.Ordinal);
        var stored = await StoredCiphertextAsync(body.RootElement.GetProperty("id").GetGuid());
        Assert.StartsWith("v1.", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey[3..], stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"from_address\":\"a@example.com\"}", "api_key")]
    [InlineData("{\"api_key\":\"sk_live_123456\",\"from_address\":\"a@example.com\"}", "api_key")]
    [InlineData("{\"api_key\":\"re_1234567890\"}", "from_address")]
    [InlineData("{\"api_key\":\"re_1234567890\",\"from_address\":\"no-at-sign\"}", "from_address")]
    [InlineData("{\"api_key\":\"re_1234567890\",\"from_address\":\"Name <bad>\"}", "from_address")]
    public async Task Create_BadInput_Returns400AndStoresNothing(string json, string field)
    {
        var user = await TestUsers.CreateAsync(app);
        using var request = user.RawJson(HttpMethod.Post, "api/keys", json);

        var response = await _client.SendAsync(request);

        await TestUsers.AssertRejectsFieldAsync(response, field);
        Assert.Equal(0, await app.CountForTeamAsync("senders", user.TeamId));
    }

    [Fact]
    public async Task Create_KeyResendRejects_Returns400SayingSo()
    {
        var user = await TestUsers.CreateAsync(app);

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = "re_invalid_" + Guid.NewGuid().ToString("N"), from_address = "a@example.com" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Resend rejected this API key", (await TestUsers.ProblemAsync(response)).GetProperty("errors").GetProperty("api_key")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.CountForTeamAsync("senders", user.TeamId));
    }

    [Fact]
    public async Task Create_ResendUnreachable_Returns502AndStoresNothing()
    {
        var user = await TestUsers.CreateAsync(app);
        var apiKey = SandboxFixture.NewKey();
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 1, status = 503 });

        var response = await _client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = apiKey, from_address = "a@example.com" }));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, await app.CountForTeamAsync("senders", user.TeamId));
    }

    [Fact]
    public async Task UpdateAndDelete_RotateTheKeyAndRemoveTheCiphertext()
    {
        var user = await TestUsers.CreateAsync(app);
        var (id, _) = await TestSenders.AddAsync(_client, user);
        var before = await StoredCiphertextAsync(id);
        var newKey = SandboxFixture.NewKey();

        var update = await _client.SendAsync(user.Request(HttpMethod.Put, $"api/keys/{id}", new { api_key = newKey, name = "renamed" }));
        var after = await StoredCiphertextAsync(id);
        var delete = await _client.SendAsync(user.Request(HttpMethod.Delete, $"api/keys/{id}"));

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Contains($"re_…{newKey[^4..]}", await update.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(before, after);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Null(await StoredCiphertextAsync(id));
    }

    [Fact]
    public async Task SetDefault_MovesTheDefaultToTheChosenSender()
    {
        var user = await TestUsers.CreateAsync(app);
        var (first, _) = await TestSenders.AddAsync(_client, user);
        var (second, _) = await TestSenders.AddAsync(_client, user, "other@example.com");

        await _client.SendAsync(user.Request(HttpMethod.Put, $"api/keys/{second}", new { is_default = true }));
        var list = JsonDocument.Parse(await (await _client.SendAsync(user.Request(HttpMethod.Get, "api/keys"))).Content.ReadAsStringAsync());

        var defaults = list.RootElement.GetProperty("keys").EnumerateArray().Where(k => k.GetProperty("is_default").GetBoolean()).Select(k => k.GetProperty("id").GetGuid());
        Assert.Equal([second], defaults);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task OtherTeam_CannotListUpdateOrDeleteTheSenders()
    {
        var owner = await TestUsers.CreateAsync(app);
        var intruder = await TestUsers.CreateAsync(app);
        var (id, _) = await TestSenders.AddAsync(_client, owner);

        var list = await (await _client.SendAsync(intruder.Request(HttpMethod.Get, "api/keys"))).Content.ReadAsStringAsync();
        var update = await _client.SendAsync(intruder.Request(HttpMethod.Put, $"api/keys/{id}", new { name = "mine now" }));
        var delete = await _client.SendAsync(intruder.Request(HttpMethod.Delete, $"api/keys/{id}"));

        Assert.DoesNotContain(id.ToString(), list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.NotNull(await StoredCiphertextAsync(id));
    }

    [Fact]
    public async Task Ciphertext_CopiedIntoAnotherTeamsRow_DoesNotDecrypt()
    {
        var a = await TestUsers.CreateAsync(app);
        var b = await TestUsers.CreateAsync(app);
        var (senderA, _) = await TestSenders.AddAsync(_client, a);
        var (senderB, _) = await TestSenders.AddAsync(_client, b);
        await using (var connection = new NpgsqlConnection(app.DatabaseUrl))
        {
            await connection.ExecuteAsync("UPDATE senders SET encrypted_api_key = (SELECT encrypted_api_key FROM senders WHERE id = @A) WHERE id = @B", new { A = senderA, B = senderB });
        }

        var senders = app.App.Services.GetRequiredService<SenderService>();

        await Assert.ThrowsAsync<SecretDecryptionException>(() => senders.UseKeyAsync(b.TeamId, senderB, (_, key) => Task.FromResult(key), CancellationToken.None));
    }

    [Fact]
    public async Task CanaryKey_NeverAppearsInADatabaseDumpOrTheLogs()
    {
        var canary = "re_CANARY" + Guid.NewGuid().ToString("N");
        var users = new[] { await TestUsers.CreateAsync(app), await TestUsers.CreateAsync(app) };
        foreach (var user in users)
        {
            var created = await _client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = canary, from_address = "a@example.com" }));
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
            await _client.SendAsync(user.Request(HttpMethod.Get, "api/keys"));
            await _client.SendAsync(user.Request(HttpMethod.Put, $"api/keys/{id}", new { api_key = canary + "x" }));
            await _client.SendAsync(user.Request(HttpMethod.Delete, $"api/keys/{id}"));
            await _client.SendAsync(user.Request(HttpMethod.Post, "api/keys", new { api_key = canary, from_address = "a@example.com" }));
        }

        var dump = await PgDumpAsync();

        Assert.Contains("senders", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", dump, StringComparison.Ordinal);
        Assert.DoesNotContain(AppFixture.EncryptionKeyHex, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("CANARY", app.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(AppFixture.EncryptionKeyHex, app.Logs.AllText, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<string> PgDumpAsync()
    {
        var connection = new NpgsqlConnectionStringBuilder(app.DatabaseUrl);
        var pgDump = Directory.GetFiles("/usr/lib/postgresql", "pg_dump", SearchOption.AllDirectories).Order().Last();
        var start = new ProcessStartInfo(pgDump, ["-h", connection.Host!, "-p", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", connection.Username!, "-d", connection.Database!, "--data-only"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    private async Task<string?> StoredCiphertextAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<string?>("SELECT encrypted_api_key FROM senders WHERE id = @Id", new { Id = id });
    }
}
