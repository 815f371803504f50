using System.Globalization;
using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;
using Moosermail.Core.Inbox;

namespace Moosermail.Core.Drafts;

/// <summary>
/// Quotes the received email under a reply, as mail clients do. Text: "On &lt;date&gt;, &lt;from&gt; wrote:" and the
/// original's lines behind "&gt; ". Html: the same line and a blockquote of the original's html run through
/// HtmlSanitizer (scripts, event handlers, forms, javascript: and data: URLs removed), or of its text HTML-escaped when
/// it had no html; the received mail is someone else's content and goes out under the team's name. The original is
/// bounded (<see cref="MaxQuotedChars"/>, <see cref="MaxQuotedHtmlChars"/>): a long thread is cut with a note, never
/// made a reply too large to send. The text of an html-only email is read from its DOM here (a few lines) because
/// AngleSharp, which HtmlSanitizer brings, parses but does not render text.
/// </summary>
public static class ReplyQuote
{
    public const int MaxQuotedChars = 100_000;
    public const int MaxQuotedHtmlChars = 256 * 1024;

    private static readonly HtmlSanitizer s_sanitizer = CreateSanitizer();

    private static readonly HashSet<string> s_blockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "P", "DIV", "BR", "LI", "TR", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE", "TABLE", "UL", "OL", "HR",
    };

    /// <summary>"On Mon, 30 Nov 2026 at 07:24 UTC, Ann &lt;ann@example.org&gt; wrote:" (the from on one line).</summary>
    public static string Attribution(ReceivedEmail original)
    {
        var from = string.Join(' ', original.From.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        var date = original.ReceivedAt.UtcDateTime.ToString("ddd, d MMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return $"On {date}, {(from.Length == 0 ? "someone" : from)} wrote:";
    }

    /// <summary>The reply's text with the original quoted below it; <paramref name="reply"/> unchanged when it is empty or there is nothing to quote.</summary>
    public static string? Text(string? reply, ReceivedEmail original)
    {
        var quoted = OriginalText(original);
        if (string.IsNullOrEmpty(reply) || quoted is null)
        {
            return reply;
        }

        var builder = new StringBuilder(reply.TrimEnd()).Append("\n\n").Append(Attribution(original)).Append('\n');
        foreach (var line in quoted.Split('\n'))
        {
            builder.Append(line.Length == 0 ? ">" : "> ").Append(line).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>The reply's html with the original in a blockquote below it; <paramref name="reply"/> unchanged when it is empty or there is nothing to quote.</summary>
    public static string? Html(string? reply, ReceivedEmail original)
    {
        if (string.IsNullOrEmpty(reply))
        {
            return reply;
        }

        string? inner = null;
        if (original.Html is { Length: > 0 and <= MaxQuotedHtmlChars } html)
        {
            inner = s_sanitizer.Sanitize(html);
        }

        if (string.IsNullOrWhiteSpace(inner))
        {
            inner = OriginalText(original) is { } text ? WebUtility.HtmlEncode(text).Replace("\n", "<br>\n", StringComparison.Ordinal) : null;
        }

        return inner is null ? reply
            : $"{reply}\n<br>\n<div class=\"moosermail_quote\"><div>{WebUtility.HtmlEncode(Attribution(original))}</div>\n"
                + $"<blockquote style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">\n{inner}\n</blockquote></div>";
    }

    /// <summary>The original's text (or the text of its html), with \n line ends, bounded; null when it has none.</summary>
    private static string? OriginalText(ReceivedEmail original)
    {
        var text = original.Text is { Length: > 0 } plain ? plain
            : original.Html is { Length: > 0 and <= MaxQuotedHtmlChars } html ? TextOf(html)
            : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd();
        return text.Length > MaxQuotedChars ? text[..MaxQuotedChars] + "\n[…]" : text;
    }

    /// <summary>The text of an html body: text nodes in order, a line break around block elements (no scripts or styles).</summary>
    private static string TextOf(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var builder = new StringBuilder();
        var stack = new Stack<INode>();
        stack.Push(document.Body ?? (INode)document);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IText textNode)
            {
                builder.Append(textNode.Data);
                continue;
            }

            if (node is IElement element)
            {
                if (element.TagName is "SCRIPT" or "STYLE" or "HEAD" or "TEMPLATE")
                {
                    continue;
                }

                if (s_blockTags.Contains(element.TagName) && builder.Length > 0 && builder[^1] != '\n')
                {
                    builder.Append('\n');
                }
            }

            for (var i = node.ChildNodes.Length - 1; i >= 0; i--)
            {
                stack.Push(node.ChildNodes[i]);
            }
        }

        var lines = builder.ToString().Split('\n').Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        return string.Join('\n', lines.Where((l, i) => l.Length > 0 || i == 0)).Trim();
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in new[] { "form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend" })
        {
            sanitizer.AllowedTags.Remove(tag);
        }

        sanitizer.AllowedSchemes.Add("mailto");
        return sanitizer;
    }
}
