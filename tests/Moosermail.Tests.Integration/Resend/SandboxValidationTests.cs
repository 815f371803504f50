using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moosermail.ResendSandbox;

namespace Moosermail.Tests.Integration.Resend;

/// <summary>The sandbox answers like Resend: its limits, its error bodies and status codes, over raw HTTP.</summary>
public sealed class SandboxValidationTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private readonly HttpClient _http = sandbox.Http(SandboxFixture.NewKey());

    [Fact]
    public async Task Post_NoUserAgent_Is403WithoutJson()
    {
        using var http = sandbox.Http(SandboxFixture.NewKey(), userAgent: false);

        var response = await http.PostAsJsonAsync("emails", Valid());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("error code: 1010", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null, 401, "missing_api_key")]
    [InlineData("re_invalid_123", 401, "validation_error")]
    [InlineData("not_a_resend_key", 403, "invalid_api_key")]
    public async Task Get_BadKey_IsResendKeyError(string? apiKey, int status, string name)
    {
        using var http = sandbox.Http(apiKey);

        await AssertErrorAsync(await http.GetAsync("emails"), status, name);
    }

    [Fact]
    public async Task Post_FiftyOneRecipients_Is422ValidationError()
    {
        var to = Enumerable.Range(0, 51).Select(i => $"r{i}@example.com").ToArray();

        await AssertErrorAsync(await _http.PostAsJsonAsync("emails", Valid() with { to = to }), 422, "validation_error");
        Assert.True((await _http.PostAsJsonAsync("emails", Valid() with { to = to[..50] })).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Post_NeitherHtmlNorText_Is422MissingRequiredField()
    {
        await AssertErrorAsync(await _http.PostAsJsonAsync("emails", Valid() with { html = null }), 422, "missing_required_field");
    }

    [Theory]
    [InlineData("""{"to":"a@example.com","subject":"s","text":"t"}""", "Missing `from` field.")]
    [InlineData("""{"from":"a@example.com","subject":"s","text":"t"}""", "Missing `to` field.")]
    [InlineData("""{"from":"a@example.com","to":"b@example.com","text":"t"}""", "Missing `subject` field.")]
    public async Task Post_MissingField_NamesIt(string json, string message)
    {
        var response = await _http.PostAsync("emails", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var error = await AssertErrorAsync(response, 422, "missing_required_field");
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_BadFromAddress_Is422InvalidFromAddress()
    {
        await AssertErrorAsync(await _http.PostAsJsonAsync("emails", Valid() with { from = "not an address" }), 422, "invalid_from_address");
    }

    [Fact]
    public async Task Post_AttachmentWithoutContentOrPath_Is422InvalidAttachment()
    {
        var body = new { from = "a@example.com", to = "b@example.com", subject = "s", text = "t", attachments = new[] { new { filename = "x.txt" } } };

        await AssertErrorAsync(await _http.PostAsJsonAsync("emails", body), 422, "invalid_attachment");
    }

    [Fact]
    public async Task Post_AttachmentsOverLimit_Is422ValidationError()
    {
        var content = new string('A', (64 * 1024) + 4);
        var body = new { from = "a@example.com", to = "b@example.com", subject = "s", text = "t", attachments = new[] { new { filename = "x.bin", content } } };

        await AssertErrorAsync(await _http.PostAsJsonAsync("emails", body), 422, "validation_error");
        Assert.Equal(40L * 1024 * 1024, new SandboxOptions().MaxAttachmentBytes);
    }

    [Fact]
    public async Task Batch_OverOneHundred_Is422()
    {
        await AssertErrorAsync(await _http.PostAsJsonAsync("emails/batch", Enumerable.Repeat(Valid(), 101)), 422, "validation_error");
    }

    [Fact]
    public async Task Batch_ItemWithScheduledAt_RejectsWholeBatch()
    {
        object[] batch = [Valid(), new { from = "a@example.com", to = "b@example.com", subject = "s", text = "t", scheduled_at = "2030-01-01T00:00:00Z" }];

        var error = await AssertErrorAsync(await _http.PostAsJsonAsync("emails/batch", batch), 422, "validation_error");

        Assert.StartsWith("emails[1]", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty((await _http.GetFromJsonAsync<JsonElement>("emails")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Batch_ItemWithAttachments_Is422()
    {
        object[] batch = [new { from = "a@example.com", to = "b@example.com", subject = "s", text = "t", attachments = new[] { new { content = "QQ==" } } }];

        await AssertErrorAsync(await _http.PostAsJsonAsync("emails/batch", batch), 422, "validation_error");
    }

    [Fact]
    public async Task Batch_Permissive_AcceptsValidItemsAndListsErrors()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "emails/batch") { Content = JsonContent.Create(new object[] { Valid(), new { to = "b@example.com" } }) };
        request.Headers.Add("x-batch-validation", "permissive");

        var body = await (await _http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(1, Assert.Single(body.GetProperty("errors").EnumerateArray()).GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task Post_IdempotencyKeyTooLong_Is400InvalidIdempotencyKey()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "emails") { Content = JsonContent.Create(Valid()) };
        request.Headers.Add("Idempotency-Key", new string('k', 257));

        await AssertErrorAsync(await _http.SendAsync(request), 400, "invalid_idempotency_key");
    }

    [Fact]
    public async Task Get_UnknownPath_Is404NotFound()
    {
        await AssertErrorAsync(await _http.GetAsync("nothing-here"), 404, "not_found");
    }

    [Fact]
    public async Task List_LimitOutOfRange_Is422()
    {
        await AssertErrorAsync(await _http.GetAsync("emails?limit=101"), 422, "validation_error");
    }

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, int status, string name)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status, body.GetProperty("statusCode").GetInt32());
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        return body;
    }

    private static SendBody Valid() => new("Acme <hello@example.com>", ["delivered@resend.dev"], "Hi", "<p>Hi</p>");

    private sealed record SendBody(string from, string[] to, string subject, string? html);
}
