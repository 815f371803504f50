using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.Outbound;

/// <summary>
/// How the outbound guard behaves. <see cref="AllowPrivate"/> is a development switch: it lets tests and local
/// runs post to loopback and private addresses, over plain http too. It is refused when the app runs in Azure, so
/// a copied local.settings.json can never open the metadata service or the VNet to a team's URL.
/// </summary>
public sealed record OutboundSettings
{
    public const string AllowPrivateKey = "MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE";

    /// <summary>App Service / Functions (incl. Flex Consumption) and Container Apps set these in every Azure instance.</summary>
    public static readonly string[] AzureMarkers = ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME", "CONTAINER_APP_NAME"];

    public bool AllowPrivate { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole exchange, from connect to the last byte of the response read.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>At most this much of a response is read; the rest is dropped (a receiver's answer is only logged).</summary>
    public int ResponseSizeCap { get; init; } = 64 * 1024;

    /// <exception cref="ConfigurationException">The switch is malformed, or on while running in Azure.</exception>
    public static OutboundSettings Load(IConfiguration configuration)
    {
        var raw = configuration[AllowPrivateKey]?.Trim();
        bool allow;
        if (string.IsNullOrEmpty(raw))
        {
            allow = false;
        }
        else if (!bool.TryParse(raw, out allow))
        {
            throw new ConfigurationException($"{AllowPrivateKey} must be true or false (it is off unless set to true).");
        }

        if (allow && AzureMarkers.FirstOrDefault(m => !string.IsNullOrEmpty(configuration[m])) is { } marker)
        {
            throw new ConfigurationException(
                $"{AllowPrivateKey}=true is for tests and local runs only and is refused in Azure ({marker} is set): remove the setting.");
        }

        return new OutboundSettings { AllowPrivate = allow };
    }
}
