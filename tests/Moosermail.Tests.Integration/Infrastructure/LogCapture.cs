using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>One captured log entry: its rendered message, exception text and the scopes it was written in.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, string? Exception, IReadOnlyList<string> Scopes)
{
    public string AllText => $"{Message} {Exception} {string.Join(' ', Scopes)}";
}

/// <summary>Records every log entry of the app under test, at every level, for assertions about logs.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public static readonly string ErrorLogPath = Path.Combine(AppContext.BaseDirectory, "app-errors.log");

    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public string AllText => string.Join('\n', Entries.Select(e => e.AllText));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            owner._scopes.ForEachScope((scope, list) => list.Add(Render(scope)), scopes);
            var entry = new CapturedLog(category, logLevel, formatter(state, exception), exception?.ToString(), scopes);
            owner.Entries.Enqueue(entry);
            if (logLevel >= LogLevel.Error)
            {
                // scripts/test prints this file when a run fails, so a 500 in a test comes with its cause.
                lock (ErrorLogPath)
                {
                    File.AppendAllText(ErrorLogPath, $"[{DateTime.UtcNow:O}] {category} {logLevel}: {entry.AllText}\n");
                }
            }
        }

        private static string Render(object? scope) => scope switch
        {
            IEnumerable<KeyValuePair<string, object>> pairs => string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")),
            _ => scope?.ToString() ?? string.Empty,
        };
    }
}
