using System.Globalization;

namespace Moosermail.Bench;

internal sealed record BenchOptions(Uri App, Uri Sandbox, string Label, bool Batch, int Singles)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        return new BenchOptions(
            new Uri(Value("--app") ?? throw new ArgumentException("--app URL is required")),
            new Uri(Value("--sandbox") ?? throw new ArgumentException("--sandbox URL is required")),
            Value("--label") ?? string.Empty,
            args.Contains("--batch"),
            int.Parse(Value("--singles") ?? "0", CultureInfo.InvariantCulture));
    }
}
