using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Gives every invocation a correlation id: taken from a well-formed X-Correlation-Id request header or
/// made fresh, echoed in the response header, and put in a logging scope so every log entry of the
/// request carries it.
/// </summary>
public sealed class CorrelationMiddleware(ILogger<CorrelationMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public const string HeaderName = "X-Correlation-Id";
    private const string ItemKey = "moosermail.correlation_id";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        var correlationId = FromHeader(http) ?? Guid.NewGuid().ToString("N");
        context.Items[ItemKey] = correlationId;
        if (http is not null)
        {
            http.Response.Headers[HeaderName] = correlationId;
        }

        using (logger.BeginScope(new InvocationScope(correlationId, context.FunctionDefinition.Name)))
        {
            await next(context);
        }
    }

    public static string GetCorrelationId(FunctionContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) ? (string)value : "none";

    private static string? FromHeader(HttpContext? http)
    {
        var value = http?.Request.Headers[HeaderName].ToString();
        return !string.IsNullOrEmpty(value) && value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? value
            : null;
    }
}

/// <summary>Structured scope state (CorrelationId, Function) that also reads well in the console.</summary>
internal sealed class InvocationScope(string correlationId, string function) : IReadOnlyList<KeyValuePair<string, object>>
{
    private readonly KeyValuePair<string, object>[] _pairs = [new("CorrelationId", correlationId), new("Function", function)];

    public int Count => _pairs.Length;

    public KeyValuePair<string, object> this[int index] => _pairs[index];

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_pairs).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{_pairs[1].Value} CorrelationId:{_pairs[0].Value}";
}
