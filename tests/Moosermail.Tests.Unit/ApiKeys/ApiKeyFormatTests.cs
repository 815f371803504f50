using Moosermail.Core.ApiKeys;

namespace Moosermail.Tests.Unit.ApiKeys;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Generate_ProducesWellFormedDistinctKeys()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeyFormat.Generate()).ToList();

        Assert.All(keys, k => Assert.True(ApiKeyFormat.IsWellFormed(k)));
        Assert.All(keys, k => Assert.StartsWith("mk_", k, StringComparison.Ordinal));
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void IsWellFormed_AnySingleCharacterChanged_IsFalse()
    {
        var key = ApiKeyFormat.Generate();

        for (var i = 3; i < key.Length; i++)
        {
            var altered = key[..i] + (key[i] == 'a' ? 'b' : 'a') + key[(i + 1)..];
            Assert.False(ApiKeyFormat.IsWellFormed(altered), $"changing position {i} went unnoticed");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("mk_")]
    [InlineData("mk_short")]
    [InlineData("re_0123456789abcdefghijklmnopqrstuvwxyzABCD")]
    [InlineData("mk_0123456789abcdefghijklmnopqrstuv-!ABCD")]
    public void IsWellFormed_Garbage_IsFalse(string key) => Assert.False(ApiKeyFormat.IsWellFormed(key));

    [Fact]
    public void DisplayPrefix_ShowsOnlyEightCharactersOfTheSecret()
    {
        var key = ApiKeyFormat.Generate();

        var prefix = ApiKeyFormat.DisplayPrefix(key);

        Assert.Equal($"{key[..7]}…{key[^4..]}", prefix);
    }

    [Fact]
    public void Hash_IsSha256OfTheWholeKey()
    {
        var key = ApiKeyFormat.Generate();

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), ApiKeyFormat.Hash(key));
        Assert.Equal(32, ApiKeyFormat.Hash(key).Length);
    }
}
