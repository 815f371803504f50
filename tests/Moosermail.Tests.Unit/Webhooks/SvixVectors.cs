using System.Text;
using System.Text.Json;

namespace Moosermail.Tests.Unit.Webhooks;

/// <summary>One case of svix-vectors.json: a null header value means the header is absent.</summary>
public sealed record SvixVector(
    string Name, string Secret, string? MsgId, string? Timestamp, byte[] Payload, string? SignatureHeader, long Now, bool Valid)
{
    public override string ToString() => Name;

    public static TheoryData<SvixVector> All()
    {
        var data = new TheoryData<SvixVector>();
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Webhooks", "svix-vectors.json")));
        foreach (var c in document.RootElement.EnumerateArray())
        {
            data.Add(new SvixVector(
                c.GetProperty("name").GetString()!,
                c.GetProperty("secret").GetString()!,
                Optional(c, "msg_id"),
                Optional(c, "timestamp"),
                ReadPayload(c),
                Optional(c, "signature_header"),
                c.GetProperty("now").GetInt64(),
                c.GetProperty("expect").GetString() == "valid"));
        }

        return data;
    }

    private static string? Optional(JsonElement c, string name) =>
        c.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] ReadPayload(JsonElement c)
    {
        if (c.TryGetProperty("payload_repeat", out var repeat))
        {
            return Encoding.UTF8.GetBytes(new string(repeat.GetProperty("char").GetString()![0], repeat.GetProperty("count").GetInt32()));
        }

        return Encoding.UTF8.GetBytes(c.GetProperty("payload").GetString()!);
    }
}
