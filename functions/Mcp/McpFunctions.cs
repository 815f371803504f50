using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Moosermail.Core.Errors;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// POST /api/mcp: the MCP Streamable HTTP transport in stateless mode, served by the SDK (ModelContextProtocol.Core's
/// <see cref="ModelContextProtocol.Server.StreamableHttpServerTransport"/> with Stateless = true, one server per
/// invocation: <see cref="McpStatelessServer"/>). This function only does what the SDK's ASP.NET Core handler does
/// around the transport, with our own pieces: the pipeline has already authenticated the caller (session or mk_ key);
/// the body goes through the one size-limited <see cref="BodyReader"/> and the JSON text rules; the Accept,
/// MCP-Protocol-Version and Mcp-Session-Id headers are checked as the SDK's handler checks them; a client's mistake
/// inside the message is answered by <see cref="McpRequestCheck"/> without troubling the SDK. GET and DELETE are 405,
/// as the spec asks of a server that offers no SSE stream and has no sessions (the SDK maps neither in stateless mode).
/// </summary>
public sealed class McpFunctions(McpStatelessServer server)
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const string ProtocolVersionHeader = "MCP-Protocol-Version";
    private const string SessionIdHeader = "Mcp-Session-Id";

    /// <summary>The SDK's supported revisions (its own list is internal); a header naming another is refused as its handler does.</summary>
    private static readonly string[] s_protocolVersions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

    [Function(nameof(Mcp))]
    [AnyMember]
    public async Task<IResult> Mcp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "get", "delete", Route = "mcp")] HttpRequest request, FunctionContext context)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            throw new MethodNotAllowedException("This MCP server is stateless: it takes one JSON-RPC message per POST, and has no GET stream and no sessions to delete.", allow: "POST");
        }

        var caller = context.Caller();
        var (message, error) = await ReadMessageAsync(request, context.CancellationToken);
        if ((error ?? HeaderProblem(request)) is { } refused)
        {
            return refused;
        }

        if (McpRequestCheck.Problem(message!) is { } mistake)
        {
            // One JSON object is an answer the transport allows for any request (the SDK streams its own as one SSE event).
            return Json(StatusCodes.Status200OK, mistake);
        }

        var answer = await server.HandleAsync(message!, caller, context.InstanceServices, context.CancellationToken);
        return answer is null
            ? Results.StatusCode(StatusCodes.Status202Accepted)
            : Results.Bytes(answer, "text/event-stream");
    }

    /// <summary>The message, or a JSON-RPC error answer (400) when the body is not one JSON-RPC message.</summary>
    private static async Task<(JsonRpcMessage? Message, IResult? Error)> ReadMessageAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!BodyReader.IsJson(BodyReader.MediaType(request)))
        {
            throw new UnsupportedMediaTypeException("The MCP endpoint reads one JSON-RPC message: send it with Content-Type: application/json.");
        }

        var body = await BodyReader.ReadAsync(request, MaxBodyBytes, $"The MCP endpoint takes at most {MaxBodyBytes} bytes per message.", cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestBody.MaxDepth });
        }
        catch (JsonException)
        {
            return (null, Error(StatusCodes.Status400BadRequest, McpErrorCode.ParseError, $"Parse error: the body is not JSON (or is nested deeper than {RequestBody.MaxDepth} levels)."));
        }

        using (document)
        {
            JsonTextGuard.Check(document.RootElement);
            try
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.Deserialize<JsonRpcMessage>(McpJsonUtilities.DefaultOptions) is { } message)
                {
                    return (message, null);
                }
            }
            catch (JsonException)
            {
                // Valid JSON that is not a JSON-RPC message: answered below.
            }
        }

        return (null, Error(StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest, "Invalid request: expected one JSON-RPC 2.0 message object."));
    }

    /// <summary>The checks the SDK's own HTTP handler makes before handing a POST to a stateless transport.</summary>
    private static IResult? HeaderProblem(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (!accept.Any(a => Accepts(a, "application/json")) || !accept.Any(a => Accepts(a, "text/event-stream")))
        {
            return Error(StatusCodes.Status406NotAcceptable, McpErrorCode.InvalidRequest, "Not Acceptable: the client must accept both application/json and text/event-stream.");
        }

        var version = request.Headers[ProtocolVersionHeader].ToString();
        if (version.Length > 0 && !s_protocolVersions.Contains(version))
        {
            return Error(StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                $"Bad Request: MCP-Protocol-Version '{version}' is not supported; this server speaks {string.Join(", ", s_protocolVersions)}.");
        }

        return request.Headers.ContainsKey(SessionIdHeader)
            ? Error(StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest, "Bad Request: this server is stateless and has no sessions; send no Mcp-Session-Id header.")
            : null;
    }

    private static bool Accepts(MediaTypeHeaderValue accepted, string mediaType) =>
        accepted.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase) || accepted.MatchesAllTypes
        || (accepted.MatchesAllSubTypes && mediaType.StartsWith(accepted.Type.Value + "/", StringComparison.OrdinalIgnoreCase));

    private static IResult Error(int status, McpErrorCode code, string text) =>
        Json(status, new JsonRpcError { Id = default, Error = new JsonRpcErrorDetail { Code = (int)code, Message = text } });

    private static IResult Json(int status, JsonRpcError error) =>
        Results.Content(JsonSerializer.Serialize<JsonRpcMessage>(error, McpJsonUtilities.DefaultOptions), "application/json", Encoding.UTF8, status);
}
