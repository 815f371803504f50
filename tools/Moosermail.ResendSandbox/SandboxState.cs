using System.Collections.Concurrent;

namespace Moosermail.ResendSandbox;

/// <summary>All accounts, in memory. An account appears the first time its key is used.</summary>
public sealed class SandboxState
{
    private readonly ConcurrentDictionary<string, SandboxAccount> _accounts = new(StringComparer.Ordinal);

    public SandboxAccount Account(string apiKey) => _accounts.GetOrAdd(apiKey, key => new SandboxAccount(key));

    public IReadOnlyCollection<SandboxAccount> Accounts => [.. _accounts.Values];

    public void Reset() => _accounts.Clear();

    public static SandboxAccount Current(HttpContext context) => (SandboxAccount)context.Items[typeof(SandboxAccount)]!;
}
