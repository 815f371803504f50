using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Triggers;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Triggers;

[Collection(AppCollection.Name)]
public sealed class TriggerTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    private TriggerRepository Repository => app.App.Services.GetRequiredService<TriggerRepository>();

    [Fact]
    public async Task Create_ShowsTheKeyOnceAndStoresOnlyItsHash()
    {
        var user = await TestUsers.CreateAsync(app);
        var templateId = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();

        var trigger = await CreateTriggerAsync(_client, user, templateId, "welcome");
        var key = trigger.GetProperty("trigger_key").GetString()!;
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/triggers");
        var (_, one) = await SendAsync(_client, user, HttpMethod.Get, $"api/triggers/{trigger.GetProperty("id").GetGuid()}");

        Assert.Matches("^[0-9a-f]{48}$", key);
        Assert.Equal("welcome", list.GetProperty("triggers")[0].GetProperty("template_name").GetString());
        Assert.DoesNotContain(key, list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, one.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, app.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(key, await DumpTriggersAsync(), StringComparison.Ordinal);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(key)), await KeyHashAsync(trigger.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task FindByKey_ReturnsTheTriggerWithItsTeam_AndNullForUnknownOrMalformedKeys()
    {
        var user = await TestUsers.CreateAsync(app);
        var templateId = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();
        var key = (await CreateTriggerAsync(_client, user, templateId)).GetProperty("trigger_key").GetString()!;

        var found = await Repository.FindByKeyAsync(key);

        Assert.NotNull(found);
        Assert.Equal(user.TeamId, found.TeamId);
        Assert.Equal(templateId, found.TemplateId);
        Assert.Null(await Repository.FindByKeyAsync(TriggerKey.Generate()));
        Assert.Null(await Repository.FindByKeyAsync(key[..^1]));
    }

    [Fact]
    public async Task Rotate_ReturnsANewKeyOnce_AndTheOldKeyStopsWorking()
    {
        var user = await TestUsers.CreateAsync(app);
        var templateId = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();
        var trigger = await CreateTriggerAsync(_client, user, templateId);
        var id = trigger.GetProperty("id").GetGuid();
        var oldKey = trigger.GetProperty("trigger_key").GetString()!;

        var (status, body) = await SendAsync(_client, user, HttpMethod.Post, $"api/triggers/{id}/rotate");
        var newKey = body.GetProperty("trigger").GetProperty("trigger_key").GetString()!;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(oldKey, newKey);
        Assert.Null(await Repository.FindByKeyAsync(oldKey));
        Assert.Equal(id, (await Repository.FindByKeyAsync(newKey))?.Id);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(newKey)), await KeyHashAsync(id));
        Assert.DoesNotContain(newKey, app.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_PartialBody_ChangesOnlyTheGivenFields()
    {
        var user = await TestUsers.CreateAsync(app);
        var templateId = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();
        var otherTemplateId = (await CreateTemplateAsync(_client, user, name: "other")).GetProperty("id").GetGuid();
        var (_, created) = await SendAsync(_client, user, HttpMethod.Post, "api/triggers",
            new { name = "t", template_id = templateId, default_to = "Ann@Example.com", rate_limit_per_minute = 10 });
        var id = created.GetProperty("trigger").GetProperty("id").GetGuid();

        var (status, body) = await SendAsync(_client, user, HttpMethod.Put, $"api/triggers/{id}", new { enabled = false, template_id = otherTemplateId, default_to = "" });

        var trigger = body.GetProperty("trigger");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("t", trigger.GetProperty("name").GetString());
        Assert.False(trigger.GetProperty("enabled").GetBoolean());
        Assert.Equal("other", trigger.GetProperty("template_name").GetString());
        Assert.Equal(JsonValueKind.Null, trigger.GetProperty("default_to").ValueKind);
        Assert.Equal(10, trigger.GetProperty("rate_limit_per_minute").GetInt32());
        Assert.Equal("ann@example.com", created.GetProperty("trigger").GetProperty("default_to").GetString());
        Assert.False(trigger.TryGetProperty("trigger_key", out _));
    }

    [Fact]
    public async Task Delete_RemovesTheTriggerAndItsKeyAtOnce()
    {
        var user = await TestUsers.CreateAsync(app);
        var templateId = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();
        var trigger = await CreateTriggerAsync(_client, user, templateId);

        var (status, _) = await SendAsync(_client, user, HttpMethod.Delete, $"api/triggers/{trigger.GetProperty("id").GetGuid()}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Null(await Repository.FindByKeyAsync(trigger.GetProperty("trigger_key").GetString()!));
    }

    [Theory]
    [InlineData("name", "")]
    [InlineData("template_id", null)]
    [InlineData("default_to", "not-an-address")]
    [InlineData("rate_limit_per_minute", -1)]
    [InlineData("rate_limit_per_minute", 1_000_000)]
    [InlineData("rate_limit_per_minute", 1_001)]
    [InlineData("rate_limit_per_minute", 0)]
    public async Task Create_BadInput_Returns400NamingTheFieldAndStoresNothing(string field, object? value)
    {
        var user = await TestUsers.CreateAsync(app);
        var templateId = (await CreateTemplateAsync(_client, user)).GetProperty("id").GetGuid();
        var body = new Dictionary<string, object?> { ["name"] = "t", ["template_id"] = templateId, [field] = value };

        var (status, problem) = await SendAsync(_client, user, HttpMethod.Post, "api/triggers", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(FirstError(problem, field)));
        Assert.Equal(0, await app.CountForTeamAsync("triggers", user.TeamId));
    }

    [Fact]
    public async Task CreateAndUpdate_TemplateOfAnotherTeam_Returns400NamingTemplateId()
    {
        var owner = await TestUsers.CreateAsync(app);
        var intruder = await TestUsers.CreateAsync(app);
        var foreignTemplateId = (await CreateTemplateAsync(_client, owner)).GetProperty("id").GetGuid();
        var ownTemplateId = (await CreateTemplateAsync(_client, intruder)).GetProperty("id").GetGuid();
        var id = (await CreateTriggerAsync(_client, intruder, ownTemplateId)).GetProperty("id").GetGuid();

        var (create, createProblem) = await SendAsync(_client, intruder, HttpMethod.Post, "api/triggers", new { name = "t", template_id = foreignTemplateId });
        var (update, updateProblem) = await SendAsync(_client, intruder, HttpMethod.Put, $"api/triggers/{id}", new { template_id = foreignTemplateId });
        var (_, after) = await SendAsync(_client, intruder, HttpMethod.Get, $"api/triggers/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, create);
        Assert.Equal(HttpStatusCode.BadRequest, update);
        Assert.False(string.IsNullOrEmpty(FirstError(createProblem, "template_id")));
        Assert.False(string.IsNullOrEmpty(FirstError(updateProblem, "template_id")));
        Assert.Equal(1, await app.CountForTeamAsync("triggers", intruder.TeamId));
        Assert.Equal(ownTemplateId, after.GetProperty("trigger").GetProperty("template_id").GetGuid());
    }

    [Fact]
    public async Task OtherTeam_CannotReadUpdateRotateOrDeleteTheTrigger()
    {
        var owner = await TestUsers.CreateAsync(app);
        var intruder = await TestUsers.CreateAsync(app);
        var templateId = (await CreateTemplateAsync(_client, owner)).GetProperty("id").GetGuid();
        var trigger = await CreateTriggerAsync(_client, owner, templateId, "mine");
        var id = trigger.GetProperty("id").GetGuid();

        var (get, _) = await SendAsync(_client, intruder, HttpMethod.Get, $"api/triggers/{id}");
        var (put, _) = await SendAsync(_client, intruder, HttpMethod.Put, $"api/triggers/{id}", new { name = "stolen", enabled = false });
        var (rotate, _) = await SendAsync(_client, intruder, HttpMethod.Post, $"api/triggers/{id}/rotate");
        var (delete, _) = await SendAsync(_client, intruder, HttpMethod.Delete, $"api/triggers/{id}");
        var (_, list) = await SendAsync(_client, intruder, HttpMethod.Get, "api/triggers");
        var still = await Repository.FindByKeyAsync(trigger.GetProperty("trigger_key").GetString()!);

        Assert.Equal(HttpStatusCode.NotFound, get);
        Assert.Equal(HttpStatusCode.NotFound, put);
        Assert.Equal(HttpStatusCode.NotFound, rotate);
        Assert.Equal(HttpStatusCode.NotFound, delete);
        Assert.Empty(list.GetProperty("triggers").EnumerateArray());
        Assert.NotNull(still);
        Assert.Equal("mine", still.Name);
        Assert.True(still.Enabled);
    }

    private async Task<byte[]> KeyHashAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return await connection.ExecuteScalarAsync<byte[]>("SELECT key_hash FROM triggers WHERE id = @Id", new { Id = id }) ?? [];
    }

    private async Task<string> DumpTriggersAsync()
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return string.Join('\n', await connection.QueryAsync<string>("SELECT g::text FROM triggers g"));
    }
}
