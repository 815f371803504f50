using Microsoft.Extensions.Logging;

namespace Moosermail.Functions.Hosting;

/// <summary>
/// Logging rules both hosts apply (the local host and the isolated worker, whose ASP.NET Core integration runs its
/// own Kestrel behind the Functions host). A trigger's URL carries its key: ASP.NET Core's hosting diagnostics log
/// every request URL and, while enabled at all, put the request path in a scope on every entry. Turned off, neither
/// happens; the correlation scope remains.
/// </summary>
public static class RequestLogging
{
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static ILoggingBuilder KeepUrlsOutOfLogs(this ILoggingBuilder logging) =>
        logging
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter(HostingDiagnostics, LogLevel.None);
}
