using System.Diagnostics;
using System.Globalization;
using Moosermail.Bench;

// Usage: Moosermail.Bench --app URL --sandbox URL --label TEXT [--batch] [--singles N]
// Talks to a running Moosermail (scripts/bench starts one) over HTTP, as a client would, and prints rows
// of a small table: what was measured, the figure, and what it is compared with.
var options = BenchOptions.Parse(args);
using var client = await MoosermailClient.SignUpAsync(options.App, options.Sandbox);
var table = new List<(string What, string Figure, string Note)>();

if (options.Batch)
{
    const int Calls = 20;
    const int PerCall = 100;
    var clock = Stopwatch.StartNew();
    var sentInline = 0;
    for (var call = 0; call < Calls; call++)
    {
        sentInline += await client.SendBatchAsync(PerCall, call);
    }

    var elapsed = clock.Elapsed;
    var accepted = await client.WaitForSandboxAcceptedAsync(Calls * PerCall, TimeSpan.FromSeconds(60));
    table.Add(($"{Calls} x POST /api/send/batch ({Calls * PerCall} emails)", $"{elapsed.TotalSeconds:F1} s", $"minimum at 2 req/s: {Calls / 2.0:F0} s"));
    table.Add(("  sent during the request", $"{sentInline} / {Calls * PerCall}", "the rest finish from the outbox"));
    table.Add(("  accepted by the sandbox", $"{accepted} / {Calls * PerCall}", "no loss, no duplicate"));
}

if (options.Singles > 0)
{
    var latencies = new List<double>(options.Singles);
    for (var i = 0; i < options.Singles; i++)
    {
        var clock = Stopwatch.StartNew();
        await client.SendOneAsync(i);
        latencies.Add(clock.Elapsed.TotalMilliseconds);
    }

    latencies.Sort();
    table.Add(($"{options.Singles} x POST /api/send, sequential", $"p50 {Percentile(latencies, 0.50):F0} ms, p95 {Percentile(latencies, 0.95):F0} ms", options.Label));
}

foreach (var (what, figure, note) in table)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what,-48} | {figure,-24} | {note} |"));
}

return 0;

static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
