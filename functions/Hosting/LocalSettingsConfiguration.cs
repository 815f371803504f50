using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Functions.Hosting;

/// <summary>
/// func start turns the Values of local.settings.json into environment variables; the local host reads the
/// same file so one settings file serves both ways of running.
/// </summary>
public static class LocalSettingsConfiguration
{
    public static IConfigurationBuilder AddLocalSettingsValues(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"{path} is not valid JSON (line {ex.LineNumber + 1}): fix it, or delete it and run scripts/run to write a fresh one.");
        }

        using var _ = document;
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }

        return builder.AddInMemoryCollection(values);
    }
}
