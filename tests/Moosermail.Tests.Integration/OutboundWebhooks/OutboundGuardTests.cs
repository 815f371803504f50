using System.Net;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.OutboundWebhooks;

/// <summary>
/// The guard's save-time refusals over HTTP on an instance with MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE off (as in
/// production): each refused range, loopback names, plain http. Every refusal is a 400 naming url, and stores nothing.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class OutboundGuardTests(AppFixture app) : IAsyncLifetime
{
    private SecondaryApp _host = null!;

    public async Task InitializeAsync() =>
        _host = await SecondaryApp.StartAsync(app, TimeProvider.System, s => s["MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE"] = "false");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://127.1.2.3/hook")]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("https://172.16.5.4/hook")]
    [InlineData("https://192.168.1.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://224.0.0.1/hook")]
    [InlineData("https://255.255.255.255/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::]/hook")]
    [InlineData("https://[fc00::1]/hook")]
    [InlineData("https://[fd00:ec2::254]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[ff02::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://[::ffff:169.254.169.254]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://LOCALHOST./hook")]
    [InlineData("https://app.localhost/hook")]
    [InlineData("https://0x7f000001/hook")]
    [InlineData("https://2130706433/hook")]
    [InlineData("http://93.184.215.14/hook")]
    public async Task Create_RefusedDestination_400NamingUrl(string url)
    {
        using var client = _host.CreateClient();
        var user = await _host.CreateUserAsync();

        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/outbound-webhooks", new { url, events = new[] { "email.sent" } }));

        await TestUsers.AssertRejectsFieldAsync(response, "url");
        Assert.Equal(0, await app.CountForTeamAsync("outbound_webhook_endpoints", user.TeamId));
    }

    [Fact]
    public async Task Update_ToALoopbackUrl_400AndUrlUnchanged()
    {
        using var client = _host.CreateClient();
        var user = await _host.CreateUserAsync();
        var id = Guid.NewGuid();
        await using (var connection = new Npgsql.NpgsqlConnection(app.DatabaseUrl))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection,
                "INSERT INTO outbound_webhook_endpoints (id, team_id, url, events, enabled, encrypted_secret, created_at, updated_at) VALUES (@Id, @TeamId, 'https://93.184.215.14/hook', ARRAY['email.sent'], true, 'x', now(), now())",
                new { Id = id, user.TeamId });
        }

        var response = await client.SendAsync(user.Request(HttpMethod.Put, $"api/outbound-webhooks/{id}", new { url = "https://localhost:8443/hook" }));

        await TestUsers.AssertRejectsFieldAsync(response, "url");
        Assert.Equal("https://93.184.215.14/hook", await app.ScalarAsync<string>("SELECT url FROM outbound_webhook_endpoints WHERE id = @Id", new { Id = id }));
    }

    [Fact]
    public async Task Problem_NamesTheReason()
    {
        using var client = _host.CreateClient();
        var user = await _host.CreateUserAsync();

        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/outbound-webhooks", new { url = "https://169.254.169.254/", events = new[] { "email.sent" } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestUsers.ProblemAsync(response);
        Assert.Contains("metadata", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }
}
