using System.Text.Json;
using Moosermail.Core.Inbox;

namespace Moosermail.Tests.Unit.Inbox;

public sealed class MailHeadersTests
{
    [Theory]
    [InlineData("<a@x> <b@y>\r\n <c@z>", new[] { "<a@x>", "<b@y>", "<c@z>" })]
    [InlineData("<a@x>,<a@x>", new[] { "<a@x>" })]
    [InlineData("bare@x", new[] { "<bare@x>" })]
    [InlineData("  ", new string[0])]
    [InlineData(null, new string[0])]
    [InlineData("two bare words", new string[0])]
    [InlineData("<>", new string[0])]
    public void MessageIds_ParsesAngleIdsInOrder(string? value, string[] expected) =>
        Assert.Equal(expected, MailHeaders.MessageIds(value));

    [Fact]
    public void MessageIds_BoundsCount()
    {
        var many = string.Join(' ', Enumerable.Range(0, 500).Select(i => $"<{i}@x>"));

        Assert.Equal(MailHeaders.MaxIds, MailHeaders.MessageIds(many).Count);
    }

    [Theory]
    [InlineData("Re: Hello", true)]
    [InlineData("FWD: Hello", true)]
    [InlineData("AW: Hallo", true)]
    [InlineData("Re[2]: Hello", true)]
    [InlineData("Hello", false)]
    [InlineData("Regarding: Hello", false)]
    [InlineData(null, false)]
    public void IsReplySubject_KnowsReplyPrefixes(string? subject, bool expected) =>
        Assert.Equal(expected, MailHeaders.IsReplySubject(subject));

    [Theory]
    [InlineData("Re: Fwd: RE:  Quarterly   Report ", "quarterly report")]
    [InlineData("Quarterly Report", "quarterly report")]
    [InlineData("", "")]
    public void SubjectKey_StripsPrefixesAndNormalizes(string subject, string expected) =>
        Assert.Equal(expected, MailHeaders.SubjectKey(subject));

    [Fact]
    public void Find_IsCaseInsensitive_AndReadsArrays()
    {
        using var headers = JsonDocument.Parse("""{"In-Reply-To":"<a@x>","references":["<r@x> <s@x>"],"x-n":1}""");

        Assert.Equal("<a@x>", MailHeaders.Find(headers.RootElement, "in-reply-to"));
        Assert.Equal("<r@x> <s@x>", MailHeaders.Find(headers.RootElement, "References"));
        Assert.Null(MailHeaders.Find(headers.RootElement, "x-n"));
        Assert.Null(MailHeaders.Find(null, "references"));
    }
}
