using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// The client mistakes a request is answered for before the SDK sees it: a method this server does not serve, params
/// that do not read as the SDK's own params type for the method, and a tools/call naming no tool. Handed to the SDK,
/// each of these is answered too, but as a thrown exception the SDK logs with its stack trace at Warning or Error
/// ("request handler failed", "threw an unhandled exception"), malformed params come back as a bare -32603 "An error
/// occurred.", and an initialize whose params do not read throws out of the stateless transport (a 500). A caller's
/// typo is neither a server fault nor worth a stack trace, so it gets a precise JSON-RPC error here and no log entry.
/// The params are read with the SDK's own contracts (<see cref="McpJsonUtilities.DefaultOptions"/>), so what passes
/// here is exactly what the SDK's handlers can read.
/// </summary>
public static class McpRequestCheck
{
    /// <summary>
    /// The requests this server answers and the SDK type each one's params read as: the lifecycle, the tools, and
    /// logging/setLevel, which the SDK serves for the logging capability it always advertises in initialize.
    /// </summary>
    private static readonly Dictionary<string, Type> s_served = new(StringComparer.Ordinal)
    {
        [RequestMethods.Initialize] = typeof(InitializeRequestParams),
        [RequestMethods.Ping] = typeof(PingRequestParams),
        [RequestMethods.ToolsList] = typeof(ListToolsRequestParams),
        [RequestMethods.ToolsCall] = typeof(CallToolRequestParams),
#pragma warning disable MCP9005 // Deprecated from the 2026-07-28 revision on; the revisions this server speaks still have it.
        [RequestMethods.LoggingSetLevel] = typeof(SetLevelRequestParams),
#pragma warning restore MCP9005
    };

    /// <summary>The JSON-RPC error for <paramref name="message"/>, or null when the SDK should handle it.</summary>
    public static JsonRpcError? Problem(JsonRpcMessage message)
    {
        if (message is not JsonRpcRequest request)
        {
            return null;
        }

        if (!s_served.TryGetValue(request.Method, out var type))
        {
            return Error(request, McpErrorCode.MethodNotFound,
                $"Method not found: {request.Method}. This server answers {string.Join(", ", s_served.Keys)}.");
        }

        object? parameters;
        try
        {
            parameters = request.Params is null ? null : JsonSerializer.Deserialize(request.Params, McpJsonUtilities.DefaultOptions.GetTypeInfo(type));
        }
        catch (JsonException problem)
        {
            return Error(request, McpErrorCode.InvalidParams, $"Invalid params for {request.Method}: {Where(problem.Path)} is missing or has the wrong type.");
        }

        return request.Method switch
        {
            RequestMethods.Initialize when parameters is null => Error(request, McpErrorCode.InvalidParams, "Invalid params for initialize: params are required."),
            RequestMethods.ToolsCall when parameters is not CallToolRequestParams { Name.Length: > 0 } => Error(request, McpErrorCode.InvalidParams, "Invalid params for tools/call: params.name is required."),
            RequestMethods.ToolsCall when parameters is CallToolRequestParams call && McpToolCatalog.Find(call.Name) is null =>
                Error(request, McpErrorCode.InvalidParams, $"Unknown tool: {call.Name}. tools/list names the tools this credential may call."),
            _ => null,
        };
    }

    /// <summary>The JSON path of a params problem as the client wrote it: "$" is the params themselves.</summary>
    private static string Where(string? path) => path is null or "$" ? "params" : "params" + path[1..];

    private static JsonRpcError Error(JsonRpcRequest request, McpErrorCode code, string message) =>
        new() { Id = request.Id, Error = new JsonRpcErrorDetail { Code = (int)code, Message = message } };
}
