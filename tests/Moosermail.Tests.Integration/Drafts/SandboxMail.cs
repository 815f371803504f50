using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Drafts;

/// <summary>What the sandbox (standing in for Resend) received for a send answer: the email and its custom headers.</summary>
public static class SandboxMail
{
    public static async Task<(JsonElement Email, JsonElement Headers)> ReceivedAsync(this AppFixture app, string apiKey, JsonElement sendAnswer)
    {
        var resendId = sendAnswer.GetProperty("resend_id").GetString();
        Assert.False(string.IsNullOrEmpty(resendId), $"the send should have reached the sandbox: {sendAnswer}");
        using var http = app.Sandbox.Http(apiKey);
        var email = await http.GetFromJsonAsync<JsonElement>($"emails/{resendId}");
        var headers = await http.GetFromJsonAsync<JsonElement>($"_sandbox/emails/{resendId}/headers");
        return (email, headers);
    }

    public static string[] Strings(this JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray().Select(e => e.GetString()!)] : [];

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> CallAsync(this HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    public static HttpRequestMessage WithKey(this HttpRequestMessage request, string key)
    {
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
