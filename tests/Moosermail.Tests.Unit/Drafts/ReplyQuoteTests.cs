using System.Text.RegularExpressions;
using Moosermail.Core.Drafts;
using Moosermail.Core.Inbox;
using Moosermail.Core.Senders;

namespace Moosermail.Tests.Unit.Drafts;

public sealed class ReplyQuoteTests
{
    private static readonly DateTimeOffset s_at = new(2026, 11, 30, 7, 24, 0, TimeSpan.Zero);

    [Fact]
    public void Text_QuotesEachLineUnderTheAttribution()
    {
        var original = Email(text: "Hello,\r\nwhere is my order?\r\n\r\nAnn");

        var text = ReplyQuote.Text("It ships today.", original);

        Assert.Equal("It ships today.\n\nOn Mon, 30 Nov 2026 at 07:24 UTC, Ann Sender <ann@example.org> wrote:\n> Hello,\n> where is my order?\n>\n> Ann\n", text);
    }

    [Fact]
    public void Text_OfAnHtmlOnlyEmail_QuotesItsTextWithoutScripts()
    {
        var original = Email(html: "<html><head><style>p{}</style></head><body><p>First  line</p><script>alert(1)</script><div>Second <b>bold</b></div></body></html>");

        var text = ReplyQuote.Text("Ok", original);

        Assert.EndsWith("wrote:\n> First line\n> Second bold\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("alert", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_SanitisesTheOriginalIntoABlockquote()
    {
        var original = Email(text: "x", html: "<p onclick=\"steal()\">Hi <b>there</b></p><script>alert(1)</script><a href=\"javascript:alert(1)\">link</a><form action=\"https://evil.example\"><input name=\"p\"></form><img src=\"https://example.org/a.png\">");

        var html = ReplyQuote.Html("<p>Reply</p>", original)!;

        Assert.StartsWith("<p>Reply</p>", html, StringComparison.Ordinal);
        Assert.Contains("<blockquote", html, StringComparison.Ordinal);
        Assert.Contains("Hi <b>there</b>", html, StringComparison.Ordinal);
        Assert.Contains("wrote:", html, StringComparison.Ordinal);
        Assert.Contains("https://example.org/a.png", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<form", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<input", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Html_OfATextOnlyEmail_EscapesTheTextAndTheSender()
    {
        var original = Email(from: "Eve <eve@example.org><script>", text: "<img src=x onerror=alert(1)>\nline two");

        var html = ReplyQuote.Html("<p>r</p>", original)!;

        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;<br>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;eve@example.org&gt;&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyReplyOrNothingToQuote_LeavesTheReplyAsItIs()
    {
        Assert.Null(ReplyQuote.Text(null, Email(text: "x")));
        Assert.Null(ReplyQuote.Html(null, Email(html: "<p>x</p>")));
        Assert.Equal("r", ReplyQuote.Text("r", Email()));
        Assert.Equal("<p>r</p>", ReplyQuote.Html("<p>r</p>", Email()));
    }

    [Fact]
    public void Text_OfAVeryLongEmail_IsCutWithANote()
    {
        var original = Email(text: new string('a', ReplyQuote.MaxQuotedChars + 5000));

        var text = ReplyQuote.Text("r", original)!;

        Assert.True(text.Length < ReplyQuote.MaxQuotedChars + 200);
        Assert.EndsWith("> […]\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Attribution_KeepsAHostileFromOnOneLine()
    {
        var attribution = ReplyQuote.Attribution(Email(from: "x\r\nBcc: victim@example.net"));

        Assert.DoesNotContain('\n', attribution);
        Assert.DoesNotContain('\r', attribution);
    }

    [Theory]
    [InlineData("Support <support@example.com>", "example.com")]
    [InlineData("news@mail.example.org", "mail.example.org")]
    [InlineData(null, "default.example")]
    public void MessageId_IsAUuidAtTheSendingDomain(string? from, string domain)
    {
        Sender[] senders = [new Sender { FromAddress = "other@other.example" }, new Sender { FromAddress = "Team <team@default.example>", IsDefault = true }];

        var id = ReplyComposer.MessageId(from, senders);

        Assert.Matches(new Regex($"^<[0-9a-f]{{32}}@{Regex.Escape(domain)}>$"), id);
        Assert.NotEqual(id, ReplyComposer.MessageId(from, senders));
    }

    private static ReceivedEmail Email(string from = "Ann Sender <ann@example.org>", string? text = null, string? html = null) =>
        new() { From = from, Text = text, Html = html, ReceivedAt = s_at };
}
