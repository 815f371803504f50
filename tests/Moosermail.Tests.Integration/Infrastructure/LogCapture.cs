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
            owner.Entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception?.ToString(), scopes));
        }

        private static string Render(object? scope) => scope switch
        {
            IEnumerable<KeyValuePair<string, object>> pairs => string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")),
            _ => scope?.ToString() ?? string.Empty,
        };
    }
}
