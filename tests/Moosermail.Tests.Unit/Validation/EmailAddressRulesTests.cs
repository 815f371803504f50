using Moosermail.Core.Validation;

namespace Moosermail.Tests.Unit.Validation;

public sealed class EmailAddressRulesTests
{
    [Theory]
    [InlineData("Ann@Example.COM", "ann@example.com")]
    [InlineData("ann@Bücher.example", "ann@xn--bcher-kva.example")]
    [InlineData("ann@xn--bcher-kva.example", "ann@xn--bcher-kva.example")]
    public void Normalize_ValidAddress_LowerCasesAndSpellsTheDomainInAscii(string input, string expected) =>
        Assert.Equal(expected, EmailAddressRules.Normalize(input));

    [Theory]
    [InlineData("ann\u202E@example.com")] // right-to-left override
    [InlineData("ann@exam\u200Bple.com")] // zero-width space
    [InlineData("ann\u0000@example.com")]
    [InlineData("ann\u0007@example.com")]
    [InlineData("ann{lone}@example.com")] // lone surrogate
    [InlineData("ann@-bad-.example")]
    [InlineData("ann@exa_mple.com")]
    [InlineData("ann@localhost")]
    public void Normalize_HiddenCharactersOrABadDomain_IsNull(string input) =>
        Assert.Null(EmailAddressRules.Normalize(WithLoneSurrogate(input)));

    [Theory]
    [InlineData("plain", null)]
    [InlineData("\ud83d\ude00 paired surrogates are text", null)]
    [InlineData("a\u0000b", "NUL")]
    [InlineData("a{lone}b", "surrogate")]
    [InlineData("{lone}", "surrogate")]
    public void TextRules_Problem_NamesNulAndLoneSurrogates(string input, string? expected)
    {
        var problem = TextRules.Problem(WithLoneSurrogate(input));

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    /// <summary>xunit cannot carry a lone surrogate in an attribute (it becomes U+FFFD), so the cases name it.</summary>
    private static string WithLoneSurrogate(string input) => input.Replace("{lone}", "\ud800", StringComparison.Ordinal);
}
