using System.Net.Http.Json;
using Moosermail.Core.Resend;

namespace Moosermail.Tests.Integration.Resend;

public sealed class ResendClientTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private readonly string _key = SandboxFixture.NewKey();

    [Fact]
    public async Task SendEmailAsync_ValidEmail_ReturnsIdThatGetEmailReads()
    {
        var sent = await sandbox.Client.SendEmailAsync(_key, Email("Welcome") with
        {
            Tags = [new ResendTag("category", "welcome")],
            Cc = ["cc@example.com"],
        }, Guid.NewGuid().ToString());

        var email = (await sandbox.Client.GetEmailAsync(_key, sent.Value!.Id)).Value!;
        Assert.Equal("Moosermail <hello@example.com>", email.From);
        Assert.Equal(["delivered@resend.dev"], email.To);
        Assert.Equal(["cc@example.com"], email.Cc);
        Assert.Equal("Welcome", email.Subject);
        Assert.Equal("<p>Hello</p>", email.Html);
        Assert.Equal("delivered", email.LastEvent);
        Assert.Equal(new ResendTag("category", "welcome"), Assert.Single(email.Tags!));
        Assert.InRange(email.CreatedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task SendEmailAsync_Success_ExposesRateLimitHeaders()
    {
        var sent = await sandbox.Client.SendEmailAsync(_key, Email("Headers"), Guid.NewGuid().ToString());

        Assert.True(sent.IsSuccess);
        Assert.Equal(1000, sent.RateLimit.Limit);
        Assert.InRange(sent.RateLimit.Remaining!.Value, 0, 999);
        Assert.Equal(TimeSpan.FromSeconds(1), sent.RateLimit.Reset);
        Assert.Equal("1000;w=1", sent.RateLimit.Policy);
    }

    [Fact]
    public async Task SendEmailAsync_SameIdempotencyKeyAndBody_AnswersSameIdAndSendsOnce()
    {
        var key = Guid.NewGuid().ToString();

        var first = await sandbox.Client.SendEmailAsync(_key, Email("Once"), key);
        var again = await sandbox.Client.SendEmailAsync(_key, Email("Once"), key);

        Assert.Equal(first.Value!.Id, again.Value!.Id);
        Assert.Equal(1, await sandbox.AcceptedSendsAsync(_key));
    }

    [Fact]
    public async Task SendEmailAsync_SameIdempotencyKeyOtherBody_IsPermanent409()
    {
        var key = Guid.NewGuid().ToString();
        await sandbox.Client.SendEmailAsync(_key, Email("First"), key);

        var other = await sandbox.Client.SendEmailAsync(_key, Email("Second"), key);

        Assert.Equal(409, other.Error!.StatusCode);
        Assert.Equal("invalid_idempotent_request", other.Error.Name);
        Assert.False(other.Error.IsTransient);
    }

    [Fact]
    public async Task SendEmailAsync_MissingRecipients_IsPermanentValidationError()
    {
        var result = await sandbox.Client.SendEmailAsync(_key, Email("No one") with { To = [] }, Guid.NewGuid().ToString());

        Assert.Equal(422, result.Error!.StatusCode);
        Assert.Equal("missing_required_field", result.Error.Name);
        Assert.Equal("Missing `to` field.", result.Error.Message);
        Assert.False(result.Error.IsTransient);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task SendBatchAsync_TwoEmails_ReturnsIdsInOrderAndReplaysWithSameKey()
    {
        var key = Guid.NewGuid().ToString();
        SendEmailRequest[] batch = [Email("One"), Email("Two")];

        var first = (await sandbox.Client.SendBatchAsync(_key, batch, key)).Value!;
        var again = (await sandbox.Client.SendBatchAsync(_key, batch, key)).Value!;

        Assert.Equal(2, first.Data.Count);
        Assert.Equal(first.Data, again.Data);
        Assert.Equal("Two", (await sandbox.Client.GetEmailAsync(_key, first.Data[1].Id)).Value!.Subject);
        Assert.Equal(2, await sandbox.AcceptedSendsAsync(_key));
    }

    [Fact]
    public async Task ListReceivedEmailsAsync_InboundEmail_ListsAndGetsIt()
    {
        using var http = sandbox.Http(_key);
        var inbound = await (await http.PostAsJsonAsync("_sandbox/inbound",
            new { from = "them@example.net", to = new[] { "inbox@example.com" }, subject = "Re: hi", text = "thanks" }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = inbound.GetProperty("id").GetString()!;

        var list = (await sandbox.Client.ListReceivedEmailsAsync(_key)).Value!;
        var email = (await sandbox.Client.GetReceivedEmailAsync(_key, id)).Value!;

        Assert.Equal(id, Assert.Single(list.Data).Id);
        Assert.Equal("Re: hi", email.Subject);
        Assert.Equal("thanks", email.Text);
        Assert.Equal(["inbox@example.com"], email.To);
    }

    [Fact]
    public async Task ListDomainsAsync_ValidKey_SucceedsWithSendingDomains()
    {
        await sandbox.Client.SendEmailAsync(_key, Email("Domain"), Guid.NewGuid().ToString());

        var domains = await sandbox.Client.ListDomainsAsync(_key);

        var domain = Assert.Single(domains.Value!.Data);
        Assert.Equal("example.com", domain.Name);
        Assert.Equal("verified", domain.Status);
    }

    [Theory]
    [InlineData("re_invalid_key", 401, "validation_error")]
    [InlineData("sk_not_a_resend_key", 403, "invalid_api_key")]
    public async Task ListDomainsAsync_BadKey_IsPermanentKeyError(string apiKey, int status, string name)
    {
        var domains = await sandbox.Client.ListDomainsAsync(apiKey);

        Assert.Equal(status, domains.Error!.StatusCode);
        Assert.Equal(name, domains.Error.Name);
        Assert.False(domains.Error.IsTransient);
    }

    [Fact]
    public async Task GetEmailAsync_NotAUuid_IsInvalidParameter()
    {
        var result = await sandbox.Client.GetEmailAsync(_key, "nope");

        Assert.Equal("invalid_parameter", result.Error!.Name);
    }

    internal static SendEmailRequest Email(string subject) => new()
    {
        From = "Moosermail <hello@example.com>",
        To = ["delivered@resend.dev"],
        Subject = subject,
        Html = "<p>Hello</p>",
    };
}
