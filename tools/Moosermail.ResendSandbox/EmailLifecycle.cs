using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>
/// What happens to an accepted email, with Resend's test addresses: bounced@resend.dev bounces,
/// complained@resend.dev is delivered then complained about, anything else is delivered. Each step sets
/// last_event and emits the matching webhook. Callers hold the account's gate.
/// </summary>
public sealed class EmailLifecycle(WebhookDispatcher dispatcher, TimeProvider time)
{
    public void Accept(SandboxAccount account, SandboxEmail email)
    {
        account.Emails.Add(email);
        account.AcceptedSends++;
        var domain = Addresses.Domain(email.From);
        if (!account.Domains.ContainsKey(domain))
        {
            account.Domains[domain] = new SandboxDomain(Guid.NewGuid().ToString(), domain, time.GetUtcNow());
        }

        if (email.ScheduledAt is { } at && at > time.GetUtcNow())
        {
            Emit(account, email, "email.scheduled");
            return;
        }

        Send(account, email);
    }

    public void Send(SandboxAccount account, SandboxEmail email)
    {
        Emit(account, email, "email.sent");
        if (email.To.Any(to => Addresses.IsTestAddress(to, "bounced")))
        {
            Emit(account, email, "email.bounced");
            return;
        }

        Emit(account, email, "email.delivered");
        if (email.To.Any(to => Addresses.IsTestAddress(to, "complained")))
        {
            Emit(account, email, "email.complained");
        }
    }

    public void Received(SandboxAccount account, ReceivedEmail email)
    {
        account.Received.Add(email);
        dispatcher.Enqueue(account, "email.received", Envelope("email.received", new Dictionary<string, object?>
        {
            ["email_id"] = email.Id,
            ["created_at"] = SandboxJson.Iso(email.CreatedAt),
            ["from"] = email.From,
            ["to"] = email.To,
            ["cc"] = email.Cc,
            ["bcc"] = Array.Empty<string>(),
            ["message_id"] = email.MessageId,
            ["subject"] = email.Subject,
            ["attachments"] = email.Attachments.Select(a => new Dictionary<string, object?>
            {
                ["id"] = a.Id,
                ["filename"] = a.Filename,
                ["content_type"] = a.ContentType,
                ["content_disposition"] = a.ContentDisposition,
                ["content_id"] = a.ContentId,
            }).ToArray(),
        }));
    }

    private void Emit(SandboxAccount account, SandboxEmail email, string type)
    {
        email.LastEvent = type["email.".Length..];
        var data = new Dictionary<string, object?>
        {
            ["email_id"] = email.Id,
            ["created_at"] = SandboxJson.Iso(email.CreatedAt),
            ["from"] = email.From,
            ["to"] = email.To,
            ["subject"] = email.Subject,
        };
        if (email.Tags.Count > 0)
        {
            data["tags"] = email.Tags.ToDictionary(t => t.Key, t => t.Value);
        }

        if (type == "email.bounced")
        {
            data["bounce"] = new Dictionary<string, object>
            {
                ["type"] = "Permanent",
                ["subType"] = "General",
                ["message"] = "The recipient's email provider sent a hard bounce message.",
                ["diagnosticCode"] = new[] { "smtp; 550 5.1.1 user unknown" },
            };
        }

        dispatcher.Enqueue(account, type, Envelope(type, data));
    }

    private byte[] Envelope(string type, Dictionary<string, object?> data) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, object> { ["type"] = type, ["created_at"] = SandboxJson.Iso(time.GetUtcNow()), ["data"] = data },
            SandboxJson.Options);
}
