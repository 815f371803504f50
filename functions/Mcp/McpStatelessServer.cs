using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Moosermail.Core.Security;

namespace Moosermail.Functions.Mcp;

/// <summary>
/// One SDK MCP server per function invocation, as the SDK's ASP.NET Core handler does in stateless mode: a
/// <see cref="StreamableHttpServerTransport"/> with Stateless = true, an <see cref="McpServer"/> over it whose handlers
/// close over this request's caller, the one message handed to the transport, and the answer (SSE, one event) written
/// to a buffer. The SDK negotiates the protocol version, answers initialize and ping, and shapes every JSON-RPC answer
/// and error. Nothing outlives the request, so a key decrypted for a send is never kept and no state needs one instance.
/// The answer is buffered rather than streamed so the whole exchange runs inside the function pipeline under both
/// hosts (error mapping, logging scopes); a stateless server sends no progress or server-to-client requests anyway.
/// </summary>
public sealed class McpStatelessServer(McpTools tools, ILoggerFactory loggerFactory)
{
    public const string Instructions =
        "Moosermail: the team's email on Resend. Read the inbox (list_emails, read_email), keep drafts (write_draft), send "
        + "(send_email, send_template, fire_trigger; pass idempotency_key to make a retry safe), and read what was sent "
        + "(list_sent, send_log). Each tool needs one permission of your key; a refusal comes back as an error result.";

    /// <summary>The bytes of the text/event-stream answer, or null when the message needs none (a notification or a response).</summary>
    public async Task<byte[]?> HandleAsync(JsonRpcMessage message, Caller caller, IServiceProvider services, CancellationToken cancellationToken)
    {
        var transport = new StreamableHttpServerTransport(loggerFactory) { Stateless = true };
        await using var server = McpServer.Create(transport, Options(caller), loggerFactory, services);
        using var body = new MemoryStream();
        var running = server.RunAsync(cancellationToken);
        bool wrote;
        try
        {
            wrote = await transport.HandlePostRequestAsync(message, body, cancellationToken);
        }
        finally
        {
            // Ending the transport completes the server's message loop.
            await transport.DisposeAsync();
            await running;
        }

        return wrote ? body.ToArray() : null;
    }

    private McpServerOptions Options(Caller caller) => new()
    {
        ServerInfo = new Implementation { Name = "moosermail", Version = "2.0.0" },
        ServerInstructions = Instructions,
        Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
        ScopeRequests = false,
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = tools.List(caller) }),
            CallToolHandler = async (request, cancellationToken) =>
            {
                var name = request.Params?.Name ?? string.Empty;
                return await tools.CallAsync(caller, name, request.Params?.Arguments, cancellationToken)
                    ?? throw new McpProtocolException($"Unknown tool: {name}", McpErrorCode.InvalidParams);
            },
        },
    };
}
