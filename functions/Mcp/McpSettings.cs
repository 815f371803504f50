using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// MOOSERMAIL_MCP_SEND_ENABLED (default true). The original product defaulted to false because its MCP
/// bearer was a whole-account credential; here every call is already limited by the caller's permissions
/// (a team hands an agent an mk_ key without emails:send to forbid sending), so the server-wide switch is
/// an operator's kill switch rather than the only guard.
/// </summary>
public sealed record McpSettings(bool SendEnabled)
{
    public const string SendEnabledKey = "MOOSERMAIL_MCP_SEND_ENABLED";

    /// <exception cref="ConfigurationException">The setting is present but not true/false.</exception>
    public static McpSettings Load(IConfiguration configuration)
    {
        var value = configuration[SendEnabledKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return new McpSettings(SendEnabled: true);
        }

        return bool.TryParse(value.Trim(), out var enabled)
            ? new McpSettings(enabled)
            : throw new ConfigurationException($"{SendEnabledKey} must be true or false.");
    }
}
