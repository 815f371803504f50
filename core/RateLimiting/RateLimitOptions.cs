using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.RateLimiting;

/// <summary>
/// A per-client token bucket: <see cref="PerMinute"/> requests a minute sustained, and up to
/// <see cref="Capacity"/> (the minute's allowance plus <see cref="Burst"/>) at once after a quiet spell.
/// </summary>
public sealed record RateLimitPolicy(string Name, int PerMinute, int Burst)
{
    public int Capacity => PerMinute + Burst;

    /// <summary>The time one request's token takes to come back.</summary>
    public TimeSpan Interval => TimeSpan.FromMinutes(1) / PerMinute;
}

/// <summary>
/// The per-IP request limits of the original product's nginx (§2.19), read from configuration:
/// MOOSERMAIL_RATE_LIMITS (off disables them), MOOSERMAIL_RATE_LIMIT_{API,WEB}_{PER_MINUTE,BURST} and
/// MOOSERMAIL_TRUSTED_PROXIES (IPs or CIDRs whose X-Forwarded-For is believed).
/// </summary>
public sealed record RateLimitOptions(bool Enabled, RateLimitPolicy Api, RateLimitPolicy Web, IReadOnlyList<IPNetwork> TrustedProxies)
{
    public const string EnabledKey = "MOOSERMAIL_RATE_LIMITS";
    public const string TrustedProxiesKey = "MOOSERMAIL_TRUSTED_PROXIES";

    /// <exception cref="ConfigurationException">A limit is not a positive number, or a proxy is not an IP or CIDR.</exception>
    public static RateLimitOptions Load(IConfiguration configuration) => new(
        !string.Equals(configuration[EnabledKey]?.Trim(), "off", StringComparison.OrdinalIgnoreCase),
        new RateLimitPolicy("api", Number(configuration, "MOOSERMAIL_RATE_LIMIT_API_PER_MINUTE", 10, 1), Number(configuration, "MOOSERMAIL_RATE_LIMIT_API_BURST", 20, 0)),
        new RateLimitPolicy("web", Number(configuration, "MOOSERMAIL_RATE_LIMIT_WEB_PER_MINUTE", 60, 1), Number(configuration, "MOOSERMAIL_RATE_LIMIT_WEB_BURST", 30, 0)),
        Proxies(configuration[TrustedProxiesKey]));

    private static int Number(IConfiguration configuration, string key, int fallback, int minimum)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum
            ? number
            : throw new ConfigurationException($"{key} must be a whole number of at least {minimum}, e.g. {fallback}.");
    }

    private static List<IPNetwork> Proxies(string? value) =>
        (value ?? string.Empty)
            .Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(item, out var network) ? network
                : IPAddress.TryParse(item, out var address) ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
                : throw new ConfigurationException($"{TrustedProxiesKey} must list IP addresses or CIDR ranges separated by commas, e.g. 127.0.0.1,10.0.0.0/8; '{item}' is neither."))
            .ToList();
}
