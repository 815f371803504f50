using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Core.RateLimiting;

/// <summary>
/// A token bucket: <see cref="PerMinute"/> requests a minute sustained, and up to <see cref="Capacity"/>
/// (the minute's allowance plus <see cref="Burst"/>) at once after a quiet spell.
/// </summary>
public sealed record RateLimitPolicy(string Name, int PerMinute, int Burst, string Scope)
{
    public int Capacity => PerMinute + Burst;

    /// <summary>The time one request's token takes to come back.</summary>
    public TimeSpan Interval => TimeSpan.FromMinutes(1) / PerMinute;
}

/// <summary>
/// The request limits, read from configuration (README "Rate limits" lists every setting):
/// <list type="bullet">
/// <item><see cref="Public"/>: per client address on the unauthenticated routes (signup, login, triggers) —
/// the original product's 10 a minute, burst 20;</item>
/// <item><see cref="Web"/>: per session for the dashboard's cookie traffic — the original's 60, burst 30;</item>
/// <item><see cref="Key"/> and <see cref="Team"/>: per credential (bearer session or mk_ key) and per team on
/// authenticated traffic, sized above Resend's default pace (2 calls a second, 100 emails a batch call) so
/// a server sending as fast as Resend takes mail is never refused, while one leaked key cannot use a whole
/// team's budget;</item>
/// <item><see cref="Address"/>: authenticated traffic per client address, sized for an office or a server
/// (it bounds floods of bad credentials, which have no credential to be counted on);</item>
/// <item><see cref="FloodPerSecond"/>/<see cref="FloodBurst"/>: the in-process first line per address on
/// public and exempt routes, refusing floods before they cost a database round trip.</item>
/// </list>
/// </summary>
public sealed record RateLimitOptions(
    bool Enabled,
    RateLimitPolicy Public,
    RateLimitPolicy Web,
    RateLimitPolicy Key,
    RateLimitPolicy Team,
    RateLimitPolicy Address,
    int FloodPerSecond,
    int FloodBurst,
    IReadOnlyList<IPNetwork> TrustedProxies)
{
    public const string EnabledKey = "MOOSERMAIL_RATE_LIMITS";
    public const string TrustedProxiesKey = "MOOSERMAIL_TRUSTED_PROXIES";
    private const string Prefix = "MOOSERMAIL_RATE_LIMIT_";

    /// <exception cref="ConfigurationException">A limit is not a positive number, or a proxy is not an IP or CIDR.</exception>
    public static RateLimitOptions Load(IConfiguration configuration) => new(
        !string.Equals(configuration[EnabledKey]?.Trim(), "off", StringComparison.OrdinalIgnoreCase),
        Policy(configuration, "public", 10, 20, "client address"),
        Policy(configuration, "web", 60, 30, "session"),
        Policy(configuration, "key", 600, 300, "credential"),
        Policy(configuration, "team", 1200, 600, "team"),
        Policy(configuration, "address", 3000, 1000, "client address"),
        Number(configuration, "MOOSERMAIL_FLOOD_GUARD_PER_SECOND", 20, 1),
        Number(configuration, "MOOSERMAIL_FLOOD_GUARD_BURST", 100, 1),
        Proxies(configuration[TrustedProxiesKey]));

    private static RateLimitPolicy Policy(IConfiguration configuration, string name, int perMinute, int burst, string scope)
    {
        var upper = name.ToUpperInvariant();
        return new RateLimitPolicy(
            name,
            Number(configuration, $"{Prefix}{upper}_PER_MINUTE", perMinute, 1),
            Number(configuration, $"{Prefix}{upper}_BURST", burst, 0),
            scope);
    }

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
