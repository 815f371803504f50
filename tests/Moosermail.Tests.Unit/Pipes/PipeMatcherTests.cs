using Moosermail.Core.Pipes;

namespace Moosermail.Tests.Unit.Pipes;

public sealed class PipeMatcherTests
{
    private static readonly PipeMessage s_message = new("Ann Example <Ann@Billing.Example.com>", "Your INVOICE for May", "Hello,\nthe total is 12 EUR.\nThanks");

    [Theory]
    [InlineData("billing.example", null, null)]
    [InlineData("ANN@", null, null)]
    [InlineData(null, "invoice", null)]
    [InlineData(null, null, "TOTAL IS")]
    [InlineData("nobody@", "invoice", null)]
    [InlineData("nobody@", "nothing", "12 eur")]
    public void Matches_AnyConditionIsACaseInsensitiveSubstring_OrCombined(string? from, string? subject, string? body)
    {
        Assert.True(PipeMatcher.Matches(Pipe(from, subject, body), s_message));
    }

    [Theory]
    [InlineData("nobody@", null, null)]
    [InlineData(null, "receipt", null)]
    [InlineData(null, null, "refund")]
    [InlineData("invoice", "ann@", "billing")]
    public void Matches_NoConditionHoldsInItsOwnField_IsFalse(string? from, string? subject, string? body)
    {
        Assert.False(PipeMatcher.Matches(Pipe(from, subject, body), s_message));
    }

    [Fact]
    public void Matches_MatchAll_MatchesEveryEmail_EvenAnEmptyOne()
    {
        Assert.True(PipeMatcher.Matches(Pipe(null, null, null) with { MatchAll = true }, new PipeMessage("", "", "")));
    }

    [Fact]
    public void Matches_NoConditionAndNotMatchAll_MatchesNothing()
    {
        Assert.False(PipeMatcher.Matches(Pipe(null, null, null), s_message));
        Assert.False(PipeMatcher.Matches(Pipe("", "", ""), s_message));
    }

    [Fact]
    public void Matches_ConditionWithRegexOrLikeCharacters_IsLiteral()
    {
        var message = new PipeMessage("a@example.com", "50% off [sale] (today)", "x");

        Assert.True(PipeMatcher.Matches(Pipe(null, "50% OFF [SALE]", null), message));
        Assert.False(PipeMatcher.Matches(Pipe(null, "5_% off", null), message));
        Assert.False(PipeMatcher.Matches(Pipe(null, ".*", null), message));
    }

    private static Pipe Pipe(string? from, string? subject, string? body) =>
        new() { Name = "p", Action = PipeActions.Hide, MatchFrom = from, MatchSubject = subject, MatchBody = body };
}
