using System.Text.RegularExpressions;

namespace Moosermail.ResendSandbox;

internal static partial class Addresses
{
    public static bool IsValid(string value) => Bare(value) is var bare && Plain().IsMatch(bare);

    /// <summary>"Name &lt;a@b.c&gt;" → "a@b.c"; a bare address is returned as is.</summary>
    public static string Bare(string value)
    {
        var match = Named().Match(value.Trim());
        return match.Success ? match.Groups[1].Value : value.Trim();
    }

    public static string Domain(string value) => Bare(value).Split('@').Last();

    /// <summary>Resend's test inbox: "bounced@resend.dev", also with a "+label".</summary>
    public static bool IsTestAddress(string value, string localPart)
    {
        var bare = Bare(value).ToLowerInvariant();
        var at = bare.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || bare[(at + 1)..] != "resend.dev")
        {
            return false;
        }

        var local = bare[..at];
        return local == localPart || local.StartsWith(localPart + "+", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^[^@\s<>""]+@[^@\s<>""]+\.[^@\s<>""]+$")]
    private static partial Regex Plain();

    [GeneratedRegex(@"^[^<>]*<([^<>]+)>$")]
    private static partial Regex Named();
}
