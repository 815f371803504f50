using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Moosermail.Core.Errors;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// POST /api/mcp: the MCP Streamable HTTP transport, stateless (no session id). Each POST carries one
/// JSON-RPC message and gets one application/json answer; notifications and responses get 202.
/// The protocol types and their serialization come from ModelContextProtocol.Core; the dispatch is written
/// here because the SDK's server runs as a long-lived session over a transport that answers with SSE, which
/// does not fit one Functions invocation. Authentication is the pipeline's, like every other function.
/// </summary>
public sealed class McpFunctions(McpTools tools)
{
    private const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Newest first; a client asking for another version gets the newest.</summary>
    private static readonly string[] s_protocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

    private static JsonSerializerOptions Json => McpJsonUtilities.DefaultOptions;

    [Function(nameof(Mcp))]
    [AnyMember]
    public async Task<IResult> Mcp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "get", "delete", Route = "mcp")] HttpRequest request, FunctionContext context)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            // Stateless: there is no server-to-client stream to open and no session to end.
            throw new MethodNotAllowedException("The MCP endpoint takes one JSON-RPC message per POST; it has no GET stream and no sessions.", allow: "POST");
        }

        var caller = context.Caller();
        var message = await ReadMessageAsync(request, context.CancellationToken);
        if (message.Error is { } error)
        {
            return Answer(error, StatusCodes.Status400BadRequest);
        }

        if (message.Request is not { } call)
        {
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }

        var answer = call.Method switch
        {
            RequestMethods.Initialize => Success(call, Initialize(call.Params)),
            RequestMethods.Ping => Success(call, new JsonObject()),
            RequestMethods.ToolsList => Success(call, new ListToolsResult { Tools = tools.List() }),
            RequestMethods.ToolsCall => await CallToolAsync(call, caller, context.CancellationToken),
            _ => Failure(call.Id, (int)McpErrorCode.MethodNotFound, $"Method not found: {call.Method}"),
        };
        return Answer(answer, StatusCodes.Status200OK);
    }

    private async Task<JsonRpcMessage> CallToolAsync(JsonRpcRequest call, Moosermail.Core.Security.Caller caller, CancellationToken cancellationToken)
    {
        var parameters = Deserialize<CallToolRequestParams>(call.Params);
        if (parameters is null || string.IsNullOrEmpty(parameters.Name))
        {
            return Failure(call.Id, (int)McpErrorCode.InvalidParams, "tools/call needs params.name.");
        }

        var result = await tools.CallAsync(caller, parameters.Name, parameters.Arguments, cancellationToken);
        return result is null
            ? Failure(call.Id, (int)McpErrorCode.InvalidParams, $"Unknown tool: {parameters.Name}")
            : Success(call, result);
    }

    private static InitializeResult Initialize(JsonNode? parameters)
    {
        var requested = Deserialize<InitializeRequestParams>(parameters)?.ProtocolVersion;
        return new InitializeResult
        {
            ProtocolVersion = s_protocolVersions.Contains(requested) ? requested! : s_protocolVersions[0],
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            ServerInfo = new Implementation { Name = "moosermail", Version = "2.0.0" },
            Instructions = "Moosermail: send email through your team's Resend key and read the send log.",
        };
    }

    private static async Task<(JsonRpcRequest? Request, JsonRpcMessage? Error)> ReadMessageAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!BodyReader.IsJson(BodyReader.MediaType(request)))
        {
            throw new UnsupportedMediaTypeException("The MCP endpoint reads one JSON-RPC message: send it with Content-Type: application/json.");
        }

        var body = await BodyReader.ReadAsync(request, MaxBodyBytes, $"The MCP endpoint takes at most {MaxBodyBytes} bytes per message.", cancellationToken);
        JsonNode? node;
        try
        {
            using (var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestBody.MaxDepth }))
            {
                JsonTextGuard.Check(document.RootElement);
            }

            node = JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { MaxDepth = RequestBody.MaxDepth });
        }
        catch (JsonException)
        {
            return (null, Failure(default, (int)McpErrorCode.ParseError, "Parse error: the body is not JSON."));
        }

        JsonRpcMessage? message;
        try
        {
            message = node is JsonObject ? node.Deserialize<JsonRpcMessage>(Json) : null;
        }
        catch (JsonException)
        {
            message = null;
        }

        return message switch
        {
            JsonRpcRequest call => (call, null),
            JsonRpcNotification or JsonRpcResponse or JsonRpcError => (null, null),
            _ => (null, Failure(default, (int)McpErrorCode.InvalidRequest, "Invalid request: expected one JSON-RPC 2.0 message object.")),
        };
    }

    private static T? Deserialize<T>(JsonNode? node)
        where T : class
    {
        try
        {
            return node?.Deserialize<T>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonRpcResponse Success<T>(JsonRpcRequest call, T result) =>
        new() { Id = call.Id, Result = JsonSerializer.SerializeToNode(result, Json) };

    private static JsonRpcError Failure(RequestId id, int code, string text) =>
        new() { Id = id, Error = new JsonRpcErrorDetail { Code = code, Message = text } };

    private static IResult Answer(JsonRpcMessage message, int status) =>
        Results.Content(JsonSerializer.Serialize(message, Json), "application/json", Encoding.UTF8, status);
}
