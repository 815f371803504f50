using Moosermail.Core.Contacts;
using Moosermail.Core.Templates;
using Moosermail.Core.Triggers;

namespace Moosermail.Tests.Unit.Templates;

public sealed class TemplateSyntaxTests
{
    [Fact]
    public void Variables_AcrossTexts_AreDeduplicatedInOrderOfFirstAppearance()
    {
        var variables = TemplateSyntax.Variables("Order {{order_id}}", "<p>{{ name }} {{{total}}} {{order_id}}</p>", "{{total}} {{name}}");

        Assert.Equal(["order_id", "name", "total"], variables);
    }

    [Fact]
    public void Scan_CalledTwiceOnTheSameText_GivesTheSameAnswer()
    {
        Assert.Equal(TemplateSyntax.Scan("{{a}} {{b}}").Variables, TemplateSyntax.Scan("{{a}} {{b}}").Variables);
    }

    [Theory]
    [InlineData("Hi {{name", 1, 4)]
    [InlineData("line one\nand {{{raw}}", 2, 5)]
    [InlineData("{{#each items}}x{{/each}}", 1, 1)]
    [InlineData("ok {{name}} then {{this}}", 1, 18)]
    [InlineData("x\\{{name}}", 1, 2)]
    [InlineData("{{ lookup }}", 1, 1)]
    public void Scan_UnsupportedOrUnclosedMustache_ReportsLineAndColumn(string text, int line, int column)
    {
        var (_, error) = TemplateSyntax.Scan(text);

        Assert.NotNull(error);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void TriggerKey_Generate_Is48LowerHexCharactersAndNeverRepeats()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => TriggerKey.Generate()).ToList();

        Assert.All(keys, k => Assert.Matches("^[0-9a-f]{48}$", k));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.False(TriggerKey.IsWellFormed(keys[0][..47] + "g"));
    }

    [Theory]
    [InlineData("50%", "50\\%")]
    [InlineData("a_b", "a\\_b")]
    [InlineData("c:\\x", "c:\\\\x")]
    public void EscapeLike_WildcardsAndBackslash_AreEscaped(string text, string expected)
    {
        Assert.Equal(expected, ContactService.EscapeLike(text));
    }
}
