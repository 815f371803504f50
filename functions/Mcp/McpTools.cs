using System.Text.Json;
using ModelContextProtocol.Protocol;
using Moosermail.Core.Emails;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Templates;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// The MCP tools. Each checks the one permission it needs on the caller and makes one core call; a
/// problem the core reports (validation, 403, 404, 422) is a tool result with isError, not a protocol error.
/// Sending goes through SendService and the outbox like POST /api/send, so the team's Resend key is
/// decrypted only inside the Resend call of this request and never kept.
/// </summary>
public sealed class McpTools(McpSettings settings, SendService sending, EmailService emails, TemplateService templates, SenderService senders)
{
    public IList<Tool> List() =>
        [.. McpToolCatalog.All.Where(tool => settings.SendEnabled || tool.Name != McpToolCatalog.SendEmail)];

    /// <summary>Null when no tool has that name.</summary>
    public async Task<CallToolResult?> CallAsync(Caller caller, string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        var args = new McpArguments(arguments);
        try
        {
            return name switch
            {
                McpToolCatalog.SendEmail => await SendEmailAsync(caller, args, cancellationToken),
                McpToolCatalog.ListEmails => await ListEmailsAsync(caller, args, cancellationToken),
                McpToolCatalog.GetEmail => Text(await GetEmailAsync(caller, args, cancellationToken)),
                McpToolCatalog.ListTemplates => Text(new { templates = await templates.ListAsync(Allowed(caller, Permissions.TemplatesRead), cancellationToken) }),
                McpToolCatalog.ListSenders => Text(new { senders = await senders.ListAsync(Allowed(caller, Permissions.SendersRead), cancellationToken) }),
                _ => null,
            };
        }
        catch (OutcomeException problem)
        {
            return Error(Describe(problem));
        }
    }

    private async Task<CallToolResult> SendEmailAsync(Caller caller, McpArguments args, CancellationToken cancellationToken)
    {
        if (!settings.SendEnabled)
        {
            return Error($"Sending is disabled on this server ({McpSettings.SendEnabledKey}=false).");
        }

        caller.Require(Permissions.EmailsSend);
        var input = new SendInput
        {
            To = args.Element("to"),
            Subject = args.Text("subject"),
            Body = args.Text("body"),
            Html = args.Text("html"),
            From = args.Text("from"),
            TemplateId = args.Id("template_id"),
            Variables = args.Map("variables"),
        };
        args.ThrowIfInvalid();
        var result = await sending.SendAsync(caller, input, idempotencyKey: null, cancellationToken);
        return new CallToolResult { Content = [new TextContentBlock { Text = ApiJson.Serialize(result) }], IsError = result.Status == EmailStatus.Failed };
    }

    private async Task<CallToolResult> ListEmailsAsync(Caller caller, McpArguments args, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.EmailsRead);
        var filter = new EmailFilter(args.Text("status"), null, null, null, null, null, args.Text("cursor"), args.WholeNumber("limit") ?? 20);
        args.ThrowIfInvalid();
        var page = await emails.ListAsync(caller, filter, cancellationToken);
        return Text(new { data = page.Data, next_cursor = page.NextCursor });
    }

    private async Task<object> GetEmailAsync(Caller caller, McpArguments args, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.EmailsRead);
        var id = args.Id("id");
        args.ThrowIfInvalid();
        var detail = await emails.GetAsync(caller, id ?? throw new ValidationFailedException("id", "is required."), cancellationToken);
        return new { email = detail.Email, events = detail.Events };
    }

    private static Caller Allowed(Caller caller, string permission)
    {
        caller.Require(permission);
        return caller;
    }

    private static string Describe(OutcomeException problem) =>
        problem.Errors is { Count: > 0 } errors
            ? $"{problem.Message} {string.Join(" ", errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")))}"
            : problem.Message;

    private static CallToolResult Text(object value) =>
        new() { Content = [new TextContentBlock { Text = ApiJson.Serialize(value) }] };

    private static CallToolResult Error(string text) =>
        new() { Content = [new TextContentBlock { Text = text }], IsError = true };
}
