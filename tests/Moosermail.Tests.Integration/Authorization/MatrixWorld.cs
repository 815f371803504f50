using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Moosermail.Tests.Integration.Infrastructure;
using Npgsql;

namespace Moosermail.Tests.Integration.Authorization;

/// <summary>The six callers of the authorization matrix.</summary>
public enum MatrixRole
{
    Anonymous,
    OtherTeam,
    Member,
    Admin,
    Owner,
    NarrowKey,
}

/// <summary>
/// What a route fixture hands the walk: the concrete path (with real ids of team A), an optional body and
/// headers, and whether the path names a resource of team A (then another team's user must get 404).
/// </summary>
public sealed record RouteCall(string Path, HttpContent? Content = null, bool PathNamesTeamResource = false, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static HttpContent Json(object body) => JsonContent.Create(body);
}

/// <summary>
/// A fresh team A for one call of one route: its owner (who prepares the resources over the API), and the one
/// caller the call is made as — created only when needed, so destructive routes (delete account, change
/// password) never disturb another call.
/// </summary>
public sealed class MatrixWorld
{
    private readonly AppFixture _app;

    private MatrixWorld(AppFixture app, HttpClient client, TestUser owner)
    {
        _app = app;
        Client = client;
        Owner = owner;
        TeamId = owner.TeamId;
        Known.Add(owner.TeamId.ToString());
    }

    public HttpClient Client { get; }

    public TestUser Owner { get; }

    public AppFixture App => _app;

    /// <summary>Team A: the owner's personal team, or a shared one after <see cref="UseSharedTeamAsync"/>.</summary>
    public Guid TeamId { get; private set; }

    /// <summary>Ids of team A that another team's user must never see in an answer.</summary>
    public List<string> Known { get; } = [];

    public static async Task<MatrixWorld> CreateAsync(AppFixture app, HttpClient client) => new(app, client, await TestUsers.CreateAsync(app));

    /// <summary>The owner calls the API to prepare a resource; the answer must be 2xx. Every "id" in it is remembered.</summary>
    public async Task<JsonElement> PrepareAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = Owner.Request(method, path, body);
        request.Headers.Add("X-Moosermail-Team", TeamId.ToString());
        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Preparing {method} {path} answered {(int)response.StatusCode}: {text}");
        if (text.Length == 0)
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        Remember(document.RootElement);
        return document.RootElement.Clone();
    }

    /// <summary>Makes team A a new shared team of the owner (a personal team cannot be deleted or transferred).</summary>
    public async Task<Guid> UseSharedTeamAsync()
    {
        TeamId = (await PrepareAsync(HttpMethod.Post, "api/teams", new { name = "matrix team" })).GetProperty("id").GetGuid();
        return TeamId;
    }

    /// <summary>A plain member of team A that routes can act on (change, remove, transfer to).</summary>
    public async Task<Guid> AddMemberAsync(string role = "member")
    {
        var user = await TestUsers.CreateAsync(_app);
        await ExecuteSqlAsync("INSERT INTO team_members (team_id, user_id, role) VALUES (@TeamId, @UserId, @Role)", new { TeamId, user.UserId, Role = role });
        Known.Add(user.UserId.ToString());
        return user.UserId;
    }

    public async Task<Guid> AddSenderAsync() => (await TestSenders.AddAsync(Client, Owner)).Id;

    public async Task<Guid> TemplateAsync() =>
        (await PrepareAsync(HttpMethod.Post, "api/templates", new { name = "matrix", subject = "Hi {{name}}", body_html = "<p>Hi {{name}}</p>", body_text = "Hi {{name}}" })).GetProperty("template").GetProperty("id").GetGuid();

    public async Task ExecuteSqlAsync(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(_app.DatabaseUrl);
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>A request as <paramref name="role"/>; <paramref name="unrelatedPermission"/> is the one permission the narrowed key holds.</summary>
    public async Task<HttpRequestMessage> RequestAsAsync(MatrixRole role, HttpMethod method, RouteCall call, string unrelatedPermission)
    {
        var request = new HttpRequestMessage(method, call.Path) { Content = call.Content };
        foreach (var (name, value) in call.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        switch (role)
        {
            case MatrixRole.Anonymous:
                break;
            case MatrixRole.OtherTeam:
                Bearer(request, (await TestUsers.CreateAsync(_app)).Token);
                break;
            case MatrixRole.Member or MatrixRole.Admin:
                var user = await TestUsers.CreateAsync(_app);
                await ExecuteSqlAsync("INSERT INTO team_members (team_id, user_id, role) VALUES (@TeamId, @UserId, @Role)",
                    new { TeamId, user.UserId, Role = role == MatrixRole.Member ? "member" : "admin" });
                Bearer(request, user.Token);
                request.Headers.Add("X-Moosermail-Team", TeamId.ToString());
                break;
            case MatrixRole.Owner:
                Bearer(request, Owner.Token);
                request.Headers.Add("X-Moosermail-Team", TeamId.ToString());
                break;
            case MatrixRole.NarrowKey:
                var key = (await PrepareAsync(HttpMethod.Post, "api/api-keys", new { name = "narrow", expires_in = "7d", permissions = new[] { unrelatedPermission } })).GetProperty("key").GetString()!;
                Bearer(request, key);
                break;
        }

        return request;
    }

    private static void Bearer(HttpRequestMessage request, string token) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    private void Remember(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "id" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        Known.Add(property.Value.GetString()!);
                    }

                    Remember(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Remember(item);
                }

                break;
        }
    }

}
