using System.Text.RegularExpressions;
using Moosermail.Core.Inbox;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Drafts;

/// <summary>The addressing of a reply: who it goes to, from which sender, under which subject, with which threading headers.</summary>
public sealed record ReplyAddressing(IReadOnlyList<string> To, IReadOnlyList<string> Cc, string? From, string Subject, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// How a reply to a received email is addressed (RFC 5322 §3.6.3-3.6.5). The received email is someone else's
/// text: its addresses go through the same validation as any send afterwards, its subject loses line breaks.
/// </summary>
public static partial class ReplyComposer
{
    /// <summary>Resend takes custom headers as one value each; a References value past this keeps the first and the latest ids (RFC 5322 §3.6.4 allows trimming).</summary>
    public const int MaxReferencesChars = 1800;

    public static ReplyAddressing Address(ReceivedEmail received, ReplyThreading threading, IReadOnlyList<Sender> senders, bool replyAll)
    {
        var own = senders.Select(s => FromAddress.AddressOf(s.FromAddress)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // Reply-To, when the sender set one, is where they asked answers to go.
        // Bare addresses: a display name from someone else's mail ("Doe, John") is not ours to re-quote.
        var to = (received.ReplyTo.Length > 0 ? received.ReplyTo : [received.From]).Select(Bare).Where(a => !own.Contains(a))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var cc = replyAll
            ? received.To.Concat(received.Cc).Select(Bare)
                .Where(a => !own.Contains(a) && !to.Contains(a, StringComparer.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList()
            : [];
        // Answer from the address the mail was sent to (To before Cc), when it is one of the team's senders.
        var from = received.To.Concat(received.Cc).Select(Bare)
            .Select(a => senders.FirstOrDefault(s => string.Equals(FromAddress.AddressOf(s.FromAddress), a, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(s => s is not null)?.FromAddress;
        return new ReplyAddressing(to, cc, from, Subject(threading.Subject), Headers(threading));
    }

    /// <summary>"Re: " once: a subject that already starts with Re: (any case, also "Re[2]:") keeps it.</summary>
    public static string Subject(string? received)
    {
        var subject = string.Join(' ', (received ?? string.Empty).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        subject = ReplyPrefix().IsMatch(subject) ? subject : subject.Length == 0 ? "Re:" : $"Re: {subject}";
        return subject.Length > SendValidator.MaxSubjectLength ? subject[..SendValidator.MaxSubjectLength] : subject;
    }

    /// <summary>In-Reply-To = the email's Message-ID, References = its References + its Message-ID; none when it had no Message-ID.</summary>
    public static IReadOnlyDictionary<string, string> Headers(ReplyThreading threading)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (threading.InReplyTo is { } inReplyTo)
        {
            headers["In-Reply-To"] = inReplyTo;
        }

        var references = threading.References.ToList();
        while (references.Count > 2 && string.Join(' ', references).Length > MaxReferencesChars)
        {
            references.RemoveAt(1);
        }

        if (references.Count > 0)
        {
            headers["References"] = string.Join(' ', references);
        }

        return headers;
    }

    /// <summary>
    /// The reply's own Message-ID, &lt;uuid@domain&gt; on the domain of the address it is sent from (RFC 5322 §3.6.4: unique,
    /// the right side a domain the sender controls): <paramref name="from"/>, else the team's default sender.
    /// </summary>
    public static string MessageId(string? from, IReadOnlyList<Sender> senders)
    {
        var address = from is { } f && FromAddress.Normalize(f) is { } normalized ? FromAddress.AddressOf(normalized)
            : (senders.FirstOrDefault(s => s.IsDefault) ?? (senders.Count > 0 ? senders[0] : null)) is { } sender ? FromAddress.AddressOf(sender.FromAddress)
            : null;
        var at = address?.LastIndexOf('@') ?? -1;
        var domain = at < 0 ? "moosermail.invalid" : address![(at + 1)..];
        return $"<{Guid.NewGuid():N}@{domain}>";
    }

    private static string Bare(string address) => FromAddress.Normalize(address) is { } normalized ? FromAddress.AddressOf(normalized) : address.Trim();

    [GeneratedRegex(@"^re(\[\d+\])?\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyPrefix();
}
