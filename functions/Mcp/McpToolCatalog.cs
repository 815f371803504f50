using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Moosermail.Functions.Mcp;

/// <summary>The tools' names, descriptions and input schemas, as tools/list shows them.</summary>
public static class McpToolCatalog
{
    public const string SendEmail = "send_email";
    public const string ListEmails = "list_emails";
    public const string GetEmail = "get_email";
    public const string ListTemplates = "list_templates";
    public const string ListSenders = "list_senders";

    public static readonly IReadOnlyList<Tool> All =
    [
        Define(SendEmail, "Send an email from one of the team's senders (needs emails:send). Give body or html, or a template_id with variables.", """
            {"type":"object","properties":{
              "to":{"description":"Recipient address, or an array of addresses.","anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}]},
              "subject":{"type":"string"},
              "body":{"type":"string","description":"Plain-text body."},
              "html":{"type":"string","description":"HTML body."},
              "from":{"type":"string","description":"A from address the team has a sender for; the default sender when omitted."},
              "template_id":{"type":"string","format":"uuid"},
              "variables":{"type":"object","description":"Values for the template's variables."}},
             "required":["to"]}
            """),
        Define(ListEmails, "List the team's send log, newest first (needs emails:read).", """
            {"type":"object","properties":{
              "status":{"type":"string","description":"e.g. queued, sent, delivered, bounced, failed."},
              "limit":{"type":"integer","minimum":1,"maximum":100,"default":20},
              "cursor":{"type":"string","description":"next_cursor of the previous page."}}}
            """),
        Define(GetEmail, "One email of the send log with its delivery events (needs emails:read).", """
            {"type":"object","properties":{"id":{"type":"string","format":"uuid"}},"required":["id"]}
            """),
        Define(ListTemplates, "The team's templates with their variables (needs templates:read).", """{"type":"object","properties":{}}"""),
        Define(ListSenders, "The team's senders: from addresses and key hints, never the keys (needs senders:read).", """{"type":"object","properties":{}}"""),
    ];

    private static Tool Define(string name, string description, string schema) =>
        new() { Name = name, Description = description, InputSchema = JsonElement.Parse(schema) };
}
