using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Inbox;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Inbox.InboxReceivingTests;

namespace Moosermail.Tests.Integration.Inbox;

/// <summary>Attachments stream from Resend's signed URL, fetched per request; only Resend's hosts are ever fetched.</summary>
[Collection(AppCollection.Name)]
public sealed class InboxAttachmentTests(AppFixture app)
{
    [Fact]
    public async Task Attachment_StreamsBytes_AsDownload()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)(i % 251)).ToArray();
        var id = await app.ReceiveAsync(user, apiKey, new
        {
            from = "a@example.net",
            subject = "Files",
            attachments = new object[]
            {
                new { filename = "data.bin", content_type = "application/pdf", content = Convert.ToBase64String(bytes) },
                new { filename = "page.html", content_type = "text/html", content = Convert.ToBase64String("<script>alert(1)</script>"u8.ToArray()) },
            },
        });
        var attachments = (await EmailAsync(client, user, id)).GetProperty("attachments");

        var pdf = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}/attachments/{attachments[0].GetProperty("id").GetString()}"));
        var html = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}/attachments/{attachments[1].GetProperty("id").GetString()}"));
        var unknown = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}/attachments/{Guid.NewGuid()}"));

        Assert.Equal(2, attachments.GetArrayLength());
        Assert.Equal(5000, attachments[0].GetProperty("size").GetInt64());
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal(bytes, await pdf.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("data.bin", pdf.Content.Headers.ContentDisposition?.FileNameStar ?? pdf.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("application/octet-stream", html.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Attachment_ResendOutage_Is503_NotA500()
    {
        using var client = app.CreateClient();
        var (user, apiKey) = await TestSenders.UserWithSenderAsync(app, client);
        var id = await app.ReceiveAsync(user, apiKey, new
        {
            from = "a@example.net",
            subject = "Files",
            attachments = new[] { new { filename = "a.txt", content_type = "text/plain", content = Convert.ToBase64String("hi"u8.ToArray()) } },
        });
        var attachmentId = (await EmailAsync(client, user, id)).GetProperty("attachments")[0].GetProperty("id").GetString();
        await app.Sandbox.InjectFaultAsync(apiKey, new { fail_next = 1, status = 500 });

        var response = await client.SendAsync(user.Request(HttpMethod.Get, $"api/inbox/{id}/attachments/{attachmentId}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Theory]
    [InlineData("https://inbound-cdn.resend.com/e/attachments/a?signature=x", true)]
    [InlineData("http://inbound-cdn.resend.com/e/attachments/a", false)]
    [InlineData("https://inbound-cdn.resend.com:8443/e/attachments/a", false)]
    [InlineData("https://user:pass@inbound-cdn.resend.com/e", false)]
    [InlineData("https://evil.example/e/attachments/a", false)]
    [InlineData("https://inbound-cdn.resend.com.evil.example/a", false)]
    [InlineData("http://169.254.169.254/latest/meta-data", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("/relative/path", false)]
    public void DownloadUrl_OnlyResendHosts_AreFetched(string url, bool allowed)
    {
        var service = app.App.Services.GetRequiredService<InboxAttachmentService>();

        Assert.Equal(allowed, service.AllowedUrl(url) is not null);
    }

    [Fact]
    public void DownloadUrl_TheConfiguredResendOrigin_IsFetched()
    {
        var service = app.App.Services.GetRequiredService<InboxAttachmentService>();
        var origin = app.Sandbox.BaseUrl;

        Assert.NotNull(service.AllowedUrl(new Uri(origin, "_sandbox/attachments/e/a?signature=x").AbsoluteUri));
        Assert.Null(service.AllowedUrl($"{origin.Scheme}://{origin.Host}:{origin.Port + 1}/_sandbox/attachments/e/a"));
    }
}
