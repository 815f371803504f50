using System.Diagnostics;
using System.Globalization;
using Moosermail.Bench;

// The pieces scripts/bench drives (issue 15); every mode prints plain figures for the script's one table.
//   floor  --db CONN --urls URL --secret WHSEC --endpoint-id GUID --team GUID   the bare floors (Floors.cs)
//   seed   --app URL --sandbox URL --db CONN --emails N --out DIR              user, sender, secret, mk_ key, emails
//   sign   --secret WHSEC --ids FILE --prefix P --count N --out FILE            signed events for bench/webhook.lua
//   batch  --app URL --sandbox URL --calls N                                    N x POST /api/send/batch of 100
string Value(string name) =>
    Array.IndexOf(args, name) is var index and >= 0 && index + 1 < args.Length ? args[index + 1] : throw new ArgumentException($"{name} is required");
int Number(string name) => int.Parse(Value(name), CultureInfo.InvariantCulture);

switch (args.FirstOrDefault())
{
    case "floor":
        await Floors.RunAsync(Value("--db"), Value("--urls"), Value("--secret"), Guid.Parse(Value("--endpoint-id")), Guid.Parse(Value("--team")));
        return 0;
    case "seed":
        await Seeding.RunAsync(new Uri(Value("--app")), new Uri(Value("--sandbox")), Value("--db"), Number("--emails"), Value("--out"));
        return 0;
    case "sign":
        await Seeding.SignAsync(Value("--secret"), Value("--ids"), Value("--prefix"), Number("--count"), Value("--out"));
        return 0;
    case "batch":
        {
            using var client = await MoosermailClient.SignUpAsync(new Uri(Value("--app")), new Uri(Value("--sandbox")));
            var calls = Number("--calls");
            const int PerCall = 100;
            var clock = Stopwatch.StartNew();
            var sentInline = 0;
            for (var call = 0; call < calls; call++)
            {
                sentInline += await client.SendBatchAsync(PerCall, call);
            }

            var elapsed = clock.Elapsed;
            var accepted = await client.WaitForSandboxAcceptedAsync(calls * PerCall, TimeSpan.FromSeconds(120));
            // seconds, emails sent during the requests, emails the sandbox accepted
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F1} {sentInline} {accepted}"));
            return accepted == calls * PerCall ? 0 : 1;
        }

    default:
        Console.Error.WriteLine("usage: Moosermail.Bench floor|seed|sign|batch ... (see Program.cs)");
        return 2;
}
