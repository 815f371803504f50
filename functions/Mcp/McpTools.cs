using System.Text.Json;
using ModelContextProtocol.Protocol;
using Moosermail.Core.Cron;
using Moosermail.Core.Drafts;
using Moosermail.Core.Emails;
using Moosermail.Core.Errors;
using Moosermail.Core.Inbox;
using Moosermail.Core.Pipes;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Templates;
using Moosermail.Core.Triggers;
using static Moosermail.Functions.Mcp.McpToolCatalog;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// The MCP tools. A call checks the tool's one permission on the caller, reads its arguments, and makes one core
/// call; an outcome the core raises (refusal, validation, not found, 422) is a result with isError, not a protocol
/// error. Sends go through SendService / TriggerFiring and so SendAcceptance and the outbox like the REST routes:
/// the team's Resend key is decrypted only inside this request's Resend call and never kept, and idempotency_key
/// is the Idempotency-Key of those routes.
/// </summary>
public sealed class McpTools(
    McpSettings settings,
    SendService sending,
    TriggerFiring firing,
    EmailService emails,
    TemplateService templates,
    TriggerService triggers,
    SenderService senders,
    InboxService inbox,
    CronService cron,
    PipeService pipes,
    DraftService drafts)
{
    /// <summary>The tools this caller may call: exactly those <see cref="Refusal"/> lets through, so the list and the calls cannot disagree.</summary>
    public IList<Tool> List(Caller caller) => [.. All.Where(tool => Refusal(caller, tool) is null).Select(tool => tool.ToTool())];

    /// <summary>Null when no tool has that name.</summary>
    public async Task<CallToolResult?> CallAsync(Caller caller, string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        if (Find(name) is not { } tool)
        {
            return null;
        }

        if (Refusal(caller, tool) is { } refusal)
        {
            return McpResults.Error(refusal);
        }

        var args = new McpArguments(arguments, tool.Arguments);
        try
        {
            return await RunAsync(tool.Name, caller, args, cancellationToken);
        }
        catch (OutcomeException problem)
        {
            return McpResults.Error(problem);
        }
    }

    /// <summary>
    /// Why this caller may not call <paramref name="tool"/>, or null when it may: the server's send switch, then the
    /// tool's one permission. tools/list shows a tool exactly when this is null, and tools/call refuses exactly when
    /// it is not, so what a key is shown and what it may do are one rule (the REST routes declare the same permissions
    /// in their access attributes).
    /// </summary>
    private string? Refusal(Caller caller, McpToolDefinition tool) =>
        tool.Sends && !settings.SendEnabled ? $"Sending is disabled on this server ({McpSettings.SendEnabledKey}=false)."
        : !caller.Has(tool.Permission) ? $"This credential lacks the '{tool.Permission}' permission in this team, so {tool.Name} is not among its tools."
        : null;

    private async Task<CallToolResult> RunAsync(string name, Caller caller, McpArguments args, CancellationToken cancellationToken) => name switch
    {
        ListEmails => await ListEmailsAsync(caller, args, cancellationToken),
        ReadEmail => McpResults.Text(McpEmailText.Render(await inbox.GetAsync(caller, Valid(args, args.RequiredId("id")), cancellationToken))),
        WriteDraft => await WriteDraftAsync(caller, args, cancellationToken),
        SendEmail => await SendAsync(caller, args, SendInput, cancellationToken),
        SendTemplate => await SendAsync(caller, args, TemplateInput, cancellationToken),
        FireTrigger => await FireAsync(caller, args, cancellationToken),
        GetTemplate => McpResults.Data(await templates.GetAsync(caller, Valid(args, args.RequiredId("id")), cancellationToken)),
        ListTemplates => McpResults.Data(new { templates = (await templates.ListAsync(Valid(args, caller), cancellationToken)).Select(t => new { t.Id, t.Name, t.Subject, t.Variables, t.UpdatedAt }) }),
        ListTriggers => McpResults.Data(new { triggers = await triggers.ListAsync(Valid(args, caller), cancellationToken) }),
        SendLog => McpResults.Data(new { logs = await emails.SendLogAsync(caller, Valid(args, args.WholeNumber("limit")), cancellationToken) }),
        ListSent => await ListSentAsync(caller, args, cancellationToken),
        GetSent => McpResults.Data(Detail(await emails.GetAsync(caller, Valid(args, args.RequiredId("id")), cancellationToken))),
        ListCronJobs => McpResults.Data(new { cron_jobs = await cron.ListAsync(Valid(args, caller), cancellationToken) }),
        ListPipes => McpResults.Data(new { pipes = await pipes.ListAsync(Valid(args, caller), cancellationToken) }),
        ListSenders => McpResults.Data(new { senders = await senders.ListAsync(Valid(args, caller), cancellationToken) }),
        _ => throw new InvalidOperationException($"The MCP tool {name} is in the catalog but has no implementation."),
    };

    private static SendInput SendInput(McpArguments args)
    {
        args.Require("to");
        return new SendInput
        {
            To = args.Recipients("to"),
            Cc = args.Recipients("cc"),
            Bcc = args.Recipients("bcc"),
            ReplyTo = args.Recipients("reply_to"),
            Subject = args.Text("subject"),
            Body = args.Text("body"),
            Html = args.Text("html"),
            From = args.Text("from"),
            TemplateId = args.Id("template_id"),
            Variables = args.Map("variables"),
            ScheduledAt = args.Time("scheduled_at"),
        };
    }

    private static SendInput TemplateInput(McpArguments args)
    {
        args.Require("to");
        return new SendInput
        {
            TemplateId = args.RequiredId("template_id"),
            To = args.Recipients("to"),
            Variables = args.Map("variables"),
            From = args.Text("from"),
        };
    }

    private async Task<CallToolResult> SendAsync(Caller caller, McpArguments args, Func<McpArguments, SendInput> read, CancellationToken cancellationToken)
    {
        var key = Key(args);
        var input = read(args);
        args.ThrowIfInvalid();
        var result = await sending.SendAsync(caller, input, key, cancellationToken);
        var answer = McpResults.Data(result);
        answer.IsError = result.Status == EmailStatus.Failed;
        return answer;
    }

    private async Task<CallToolResult> FireAsync(Caller caller, McpArguments args, CancellationToken cancellationToken)
    {
        var id = args.RequiredId("id");
        var input = new FireTriggerInput(args.Recipients("to"), args.Map("variables"), args.Text("to_tag"));
        var key = Key(args);
        args.ThrowIfInvalid();
        return McpResults.Data(await firing.FireAsMemberAsync(caller.TeamId, id, input, key, cancellationToken));
    }

    private async Task<CallToolResult> WriteDraftAsync(Caller caller, McpArguments args, CancellationToken cancellationToken)
    {
        args.Require("body");
        var input = new DraftInput
        {
            To = args.Recipients("to"),
            Cc = args.Recipients("cc"),
            Bcc = args.Recipients("bcc"),
            Subject = args.Text("subject"),
            Body = args.Text("body"),
            Html = args.Text("html"),
            From = args.Text("from"),
            ReplyToInboxId = args.Id("reply_to_id"),
            Quote = args.Flag("quote"),
        };
        var draft = await drafts.CreateAsync(caller, Valid(args, input), cancellationToken);
        return McpResults.Data(new { status = "draft saved, NOT sent", draft });
    }

    private async Task<CallToolResult> ListEmailsAsync(Caller caller, McpArguments args, CancellationToken cancellationToken)
    {
        var query = new InboxQuery
        {
            Limit = args.WholeNumber("limit") ?? 20,
            Unread = args.Flag("unread"),
            Search = args.Text("q"),
            From = args.Text("from"),
            Label = args.Text("label"),
            Thread = args.Id("thread"),
            Cursor = args.Text("cursor"),
        };
        var page = await inbox.ListAsync(caller, Valid(args, query), cancellationToken);
        var emails = page.Data.Select(e => new { e.Id, e.From, e.Subject, e.Snippet, e.ReceivedAt, e.Read, e.Labels, e.ThreadId, e.AttachmentCount });
        return McpResults.Data(new { emails, next_cursor = page.NextCursor });
    }

    private async Task<CallToolResult> ListSentAsync(Caller caller, McpArguments args, CancellationToken cancellationToken)
    {
        var filter = new EmailFilter(args.Text("status"), args.Text("to"), null, null, null, null, args.Text("cursor"), args.WholeNumber("limit") ?? 20);
        var page = await emails.ListAsync(caller, Valid(args, filter), cancellationToken);
        return McpResults.Data(new { data = page.Data, next_cursor = page.NextCursor });
    }

    private static string? Key(McpArguments args) => args.Text("idempotency_key");

    private static object Detail(EmailDetail detail) => new { email = detail.Email, events = detail.Events };

    /// <summary>Throws the collected argument problems, else passes <paramref name="value"/> on.</summary>
    private static T Valid<T>(McpArguments args, T value)
    {
        args.ThrowIfInvalid();
        return value;
    }
}
