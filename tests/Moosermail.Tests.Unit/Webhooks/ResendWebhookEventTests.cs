using System.Text;
using System.Text.Json;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Unit.Webhooks;

public sealed class ResendWebhookEventTests
{
    [Fact]
    public void TryParse_TypeLastAndTagsAsObject_ReadsEmailData()
    {
        var evt = Parse("""
            {"created_at":"2024-02-22T23:41:12.126Z","data":{"email_id":"56761188-7520-42d8-8898-ff6fc54ce618",
             "from":"Acme <onboarding@resend.dev>","to":["delivered@resend.dev"],"subject":"Hi",
             "created_at":"2024-02-22T23:41:11.894719+00:00","tags":{"category":"confirm_email"}},"type":"email.delivered"}
            """)!;

        Assert.Equal("email.delivered", evt.Type);
        Assert.Equal(new DateTimeOffset(2024, 2, 22, 23, 41, 12, 126, TimeSpan.Zero), evt.CreatedAt);
        Assert.Equal("56761188-7520-42d8-8898-ff6fc54ce618", evt.Email!.EmailId);
        Assert.Equal(["delivered@resend.dev"], evt.Email.To);
        Assert.Equal("confirm_email", evt.Email.Tags["category"]);
    }

    [Fact]
    public void TryParse_TagsAsArray_ReadsThemToo()
    {
        var evt = Parse("""{"type":"email.sent","data":{"email_id":"e1","tags":[{"name":"category","value":"welcome"}]}}""")!;

        Assert.Equal("welcome", evt.Email!.Tags["category"]);
    }

    [Fact]
    public void TryParse_Bounce_ReadsBounceDetails()
    {
        var evt = Parse("""
            {"type":"email.bounced","created_at":"2024-11-22T23:41:12.126Z","data":{"email_id":"e1",
             "bounce":{"type":"Permanent","subType":"Suppressed","message":"The recipient is suppressed.","diagnosticCode":"550"}}}
            """)!;

        Assert.Equal("Permanent", evt.Email!.BounceType);
        Assert.Equal("Suppressed", evt.Email.BounceSubType);
    }

    [Fact]
    public void TryParse_UnknownType_KeepsDataRaw()
    {
        var evt = Parse("""{"type":"inbox.thread.created","created_at":"2026-01-01T00:00:00Z","data":{"inbox_id":"i1"}}""")!;

        Assert.False(evt.IsEmailEvent);
        Assert.Equal("i1", evt.Data.GetProperty("inbox_id").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"data":{}}""")]
    [InlineData("""{"type":42}""")]
    public void TryParse_NotAnEvent_ReturnsNull(string body)
    {
        Assert.Null(Parse(body));
    }

    [Fact]
    public void TryParse_UnexpectedFieldShapes_DoNotThrow()
    {
        var evt = Parse("""{"type":"email.sent","created_at":"yesterday","data":{"to":"one@x.test","tags":5,"bounce":"odd"}}""")!;

        Assert.Null(evt.CreatedAt);
        Assert.Equal(["one@x.test"], evt.Email!.To);
        Assert.Empty(evt.Email.Tags);
        Assert.Equal(JsonValueKind.Object, evt.Data.ValueKind);
    }

    private static ResendWebhookEvent? Parse(string json) => ResendWebhookEvent.TryParse(Encoding.UTF8.GetBytes(json));
}
