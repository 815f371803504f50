using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>
/// Keeps each account's webhook registrations and domains in a file (setting StateFile; scripts/run puts it in
/// its data dir), so a restarted sandbox goes on signing and delivering events to the endpoints the app
/// registered, with the same secrets. Emails are not kept: they belong to one run. Without StateFile (tests,
/// the bench) everything stays in memory.
/// </summary>
public sealed class SandboxPersistence(SandboxState state, SandboxOptions options, ILogger<SandboxPersistence> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    private string? _saved;

    public sealed record AccountState(string ApiKey, List<SandboxWebhook> Webhooks, List<DomainState> Domains);

    public sealed record DomainState(string Id, string Name, DateTimeOffset CreatedAt);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.StateFile is { } path && File.Exists(path))
        {
            var accounts = JsonSerializer.Deserialize<List<AccountState>>(File.ReadAllText(path), s_json) ?? [];
            foreach (var saved in accounts)
            {
                var account = state.Account(saved.ApiKey);
                lock (account.Gate)
                {
                    account.Webhooks.AddRange(saved.Webhooks);
                    foreach (var domain in saved.Domains)
                    {
                        account.Domains[domain.Name] = new SandboxDomain(domain.Id, domain.Name, domain.CreatedAt);
                    }
                }
            }

            _saved = Snapshot();
            logger.LogInformation("Restored {Webhooks} webhook registration(s) of {Accounts} account(s) from {Path}", accounts.Sum(a => a.Webhooks.Count), accounts.Count, path);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.StateFile is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save();
            }
        }
        catch (OperationCanceledException)
        {
            Save();
        }
    }

    private void Save()
    {
        var snapshot = Snapshot();
        if (snapshot == _saved)
        {
            return;
        }

        // Written aside and renamed: a crash mid-write leaves the previous file whole.
        var path = options.StateFile!;
        File.WriteAllText(path + ".tmp", snapshot);
        File.Move(path + ".tmp", path, overwrite: true);
        _saved = snapshot;
    }

    private string Snapshot()
    {
        var accounts = new List<AccountState>();
        foreach (var account in state.Accounts)
        {
            lock (account.Gate)
            {
                if (account.Webhooks.Count > 0 || account.Domains.Count > 0)
                {
                    accounts.Add(new AccountState(account.ApiKey, [.. account.Webhooks], [.. account.Domains.Values.Select(d => new DomainState(d.Id, d.Name, d.CreatedAt))]));
                }
            }
        }

        return JsonSerializer.Serialize(accounts.OrderBy(a => a.ApiKey, StringComparer.Ordinal), s_json);
    }
}
