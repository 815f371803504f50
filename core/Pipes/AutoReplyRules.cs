using System.Text.Json;

namespace Moosermail.Core.Pipes;

/// <summary>
/// Who never gets an auto-reply (RFC 3834 §2 and common practice): role and robot mailboxes (noreply, mailer-daemon,
/// postmaster), mail that is itself automatic (Auto-Submitted other than "no"), and list or bulk mail (List-Id,
/// Precedence: bulk/list/junk). Replying to these makes loops and backscatter.
/// </summary>
public static class AutoReplyRules
{
    private static readonly string[] s_robotLocalParts =
        ["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "postmaster", "bounce", "bounces"];

    /// <summary>Why <paramref name="address"/> gets no auto-reply given the email's <paramref name="headers"/>, or null.</summary>
    public static string? Refusal(string address, JsonElement? headers)
    {
        var local = address.Split('@')[0].ToLowerInvariant();
        var bare = local.Split('+')[0];
        if (s_robotLocalParts.Contains(bare) || bare.StartsWith("noreply", StringComparison.Ordinal) || bare.StartsWith("no-reply", StringComparison.Ordinal))
        {
            return $"no auto-reply to a robot mailbox ({bare}@)";
        }

        if (Header(headers, "Auto-Submitted") is { } autoSubmitted && !autoSubmitted.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            return "no auto-reply to automatic mail (Auto-Submitted)";
        }

        if (Header(headers, "List-Id") is not null)
        {
            return "no auto-reply to list mail (List-Id)";
        }

        return Header(headers, "Precedence")?.Trim().ToLowerInvariant() is "bulk" or "list" or "junk"
            ? "no auto-reply to bulk mail (Precedence)"
            : null;
    }

    /// <summary>A header's value from Resend's headers object (any case; a string, or the first of an array).</summary>
    private static string? Header(JsonElement? headers, string name)
    {
        if (headers is not { ValueKind: JsonValueKind.Object } all)
        {
            return null;
        }

        foreach (var property in all.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Array when property.Value.GetArrayLength() > 0 => property.Value[0].ToString(),
                    _ => property.Value.ToString(),
                };
            }
        }

        return null;
    }
}
