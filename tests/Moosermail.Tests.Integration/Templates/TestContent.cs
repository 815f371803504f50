using System.Net;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Templates;

/// <summary>Small HTTP helpers shared by the template, trigger and contact tests.</summary>
public static class TestContent
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, TestUser user, HttpMethod method, string path, object? json = null)
    {
        var response = await client.SendAsync(user.Request(method, path, json));
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>Creates a template and returns its JSON (the "template" object).</summary>
    public static async Task<JsonElement> CreateTemplateAsync(HttpClient client, TestUser user, string subject = "Hello {{name}}", string bodyHtml = "<p>Hi {{name}}</p>", string bodyText = "Hi {{name}}", string? name = null)
    {
        var (status, body) = await SendAsync(client, user, HttpMethod.Post, "api/templates", new { name = name ?? "welcome", subject, body_html = bodyHtml, body_text = bodyText });
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("template");
    }

    public static async Task<JsonElement> CreateTriggerAsync(HttpClient client, TestUser user, Guid templateId, string name = "signup")
    {
        var (status, body) = await SendAsync(client, user, HttpMethod.Post, "api/triggers", new { name, template_id = templateId });
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("trigger");
    }

    public static string FirstError(JsonElement problem, string field) => problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
