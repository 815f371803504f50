using System.Text;
using HandlebarsDotNet;

namespace Moosermail.Core.Templates;

/// <summary>
/// Escapes <c>&amp; &lt; &gt; " ' ` =</c> like handlebars.js. Handlebars.Net's default leaves <c>'</c> alone,
/// which lets a value break out of a single-quoted attribute (<c>href='{{url}}'</c>).
/// </summary>
internal sealed class HtmlValueEncoder : ITextEncoder
{
    public void Encode(StringBuilder text, TextWriter target)
    {
        foreach (var chunk in text.GetChunks())
        {
            foreach (var c in chunk.Span)
            {
                Write(c, target);
            }
        }
    }

    public void Encode(string text, TextWriter target)
    {
        foreach (var c in text)
        {
            Write(c, target);
        }
    }

    public void Encode<T>(T text, TextWriter target)
        where T : IEnumerator<char>
    {
        while (text.MoveNext())
        {
            Write(text.Current, target);
        }
    }

    private static void Write(char c, TextWriter target)
    {
        switch (c)
        {
            case '&': target.Write("&amp;"); break;
            case '<': target.Write("&lt;"); break;
            case '>': target.Write("&gt;"); break;
            case '"': target.Write("&quot;"); break;
            case '\'': target.Write("&#x27;"); break;
            case '`': target.Write("&#x60;"); break;
            case '=': target.Write("&#x3D;"); break;
            default: target.Write(c); break;
        }
    }
}
