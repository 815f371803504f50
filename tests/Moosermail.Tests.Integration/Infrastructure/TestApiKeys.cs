using System.Net;
using System.Text.Json;

namespace Moosermail.Tests.Integration.Infrastructure;

public static class TestApiKeys
{
    public static async Task<(Guid Id, string Key, JsonElement Body)> CreateAsync(HttpClient client, TestUser user, string expiresIn = "30d", string[]? permissions = null)
    {
        object body = permissions is null ? new { name = "test key", expires_in = expiresIn } : new { name = "test key", expires_in = expiresIn, permissions };
        var response = await client.SendAsync(user.Request(HttpMethod.Post, "api/api-keys", body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement.Clone();
        return (root.GetProperty("id").GetGuid(), root.GetProperty("key").GetString()!, root);
    }

    /// <summary>The user, acting through an API key instead of a session.</summary>
    public static TestUser Using(this TestUser user, string key) => user with { Token = key };
}
