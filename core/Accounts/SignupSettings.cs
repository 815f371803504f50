using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.Accounts;

/// <summary>
/// Who may create an account (MOOSERMAIL_SIGNUP): <c>open</c> (anyone; the default, for local use),
/// <c>invite</c> (only an address with a pending invitation) or <c>closed</c> (nobody).
/// </summary>
public sealed record SignupSettings(string Mode)
{
    public const string Key = "MOOSERMAIL_SIGNUP";
    public const string Open = "open";
    public const string Invite = "invite";
    public const string Closed = "closed";

    /// <exception cref="ConfigurationException">The value is not one of the three modes.</exception>
    public static SignupSettings Load(IConfiguration configuration)
    {
        var value = configuration[Key]?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(value) ? new SignupSettings(Open)
            : value is Open or Invite or Closed ? new SignupSettings(value)
            : throw new ConfigurationException($"{Key} must be open, invite or closed (got '{configuration[Key]}').");
    }
}
