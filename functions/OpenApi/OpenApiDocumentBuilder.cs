using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Moosermail.Core.Sending;
using Moosermail.Functions.Hosting;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document from the code: every HTTP function in functions.metadata (route, methods,
/// path parameters, public or not), its <see cref="ApiOperations"/> entry, and JSON Schemas of the records
/// made by System.Text.Json's own exporter with the API's serializer options, so property names and types
/// are exactly what the API reads and writes. It is written as JSON nodes rather than through an OpenAPI
/// object model because the schemas already are JSON; the tests load it with Microsoft.OpenApi and validate
/// it against the official OpenAPI 3.1 schema.
/// </summary>
public sealed partial class OpenApiDocumentBuilder(FunctionCatalog catalog, string routePrefix)
{
    public const string SessionCookieScheme = "session_cookie";
    public const string BearerScheme = "bearer";

    private static readonly JsonSerializerOptions s_schemaOptions = new(ApiJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>Any JSON (a JsonElement property) comes out as the boolean schema <c>true</c>; written as <c>{}</c>, which means the same and every tool reads.</summary>
    private static readonly JsonSchemaExporterOptions s_exporterOptions = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (_, node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.True ? new JsonObject() : node,
    };

    private readonly JsonObject _schemas = [];

    public string Build()
    {
        var paths = new JsonObject();
        foreach (var function in catalog.Http.Where(f => !ApiOperations.NotDocumented.Contains(f.Name)).OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            // An undescribed function still appears (a test fails until it is described): the document never breaks.
            var operation = ApiOperations.All.TryGetValue(function.Name, out var described)
                ? described
                : new ApiOperation(function.Name, new ApiAnswer(200, "Not described yet"));
            var path = ToOpenApiPath(function.Route);
            var item = paths[path] as JsonObject ?? [];
            paths[path] = item;
            foreach (var method in function.Methods)
            {
                item[method.ToLowerInvariant()] = Operation(function, operation, method);
            }
        }

        _schemas["Problem"] = JsonSchemaExporter.GetJsonSchemaAsNode(s_schemaOptions, typeof(ProblemDocument), s_exporterOptions);
        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Moosermail API",
                ["version"] = typeof(OpenApiDocumentBuilder).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
                ["description"] = "Email for teams over Resend. JSON is snake_case; errors are RFC 9457 problem details with a correlation_id.",
                ["license"] = new JsonObject { ["name"] = "MIT", ["identifier"] = "MIT" },
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = Sorted(_schemas),
                ["securitySchemes"] = new JsonObject
                {
                    [BearerScheme] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["description"] = "A session token from POST /api/auth/login, or an mk_ API key from POST /api/api-keys.",
                    },
                    [SessionCookieScheme] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "cookie",
                        ["name"] = SessionCookie.Name,
                        ["description"] = "The HttpOnly session cookie that login sets (the dashboard's credential). Requests that change something must come from the same site.",
                    },
                },
                ["parameters"] = new JsonObject
                {
                    ["Team"] = Header(AuthenticationMiddleware.TeamHeader, "The team to act in (a team id from GET /api/auth/me); the personal team, or the mk_ key's team, when absent.", Uuid()),
                    ["IdempotencyKey"] = Header("Idempotency-Key", "Makes a retry safe: the same key and body within 24 h get the first answer again.", new JsonObject { ["type"] = "string", ["maxLength"] = 256 }),
                },
            },
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private JsonObject Operation(HttpFunction function, ApiOperation described, string method)
    {
        var isPublic = function.Method.GetCustomAttribute<PublicFunctionAttribute>() is not null;
        var parameters = new JsonArray();
        foreach (Match match in RouteParameter().Matches(function.Route))
        {
            var isGuid = match.Groups["constraint"].Value == "guid";
            parameters.Add(new JsonObject
            {
                ["name"] = match.Groups["name"].Value,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = isGuid ? Uuid() : new JsonObject { ["type"] = "string" },
            });
        }

        foreach (var name in described.Query)
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        if (!isPublic)
        {
            parameters.Add(new JsonObject { ["$ref"] = "#/components/parameters/Team" });
        }

        if (described.Idempotent)
        {
            parameters.Add(new JsonObject { ["$ref"] = "#/components/parameters/IdempotencyKey" });
        }

        var operation = new JsonObject
        {
            ["operationId"] = function.Methods.Count == 1 ? function.Name : $"{function.Name}_{method.ToLowerInvariant()}",
            ["summary"] = described.Summary,
            ["tags"] = new JsonArray(Tag(function)),
            ["parameters"] = parameters,
        };
        if (RequestBody(described) is { } body && method != "GET")
        {
            operation["requestBody"] = body;
        }

        var responses = new JsonObject();
        foreach (var answer in described.Also.Prepend(described.Answer))
        {
            responses[answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Response(answer);
        }

        AddProblems(responses, function, described, isPublic);
        operation["responses"] = responses;
        operation["security"] = isPublic
            ? new JsonArray()
            : new JsonArray(new JsonObject { [BearerScheme] = new JsonArray() }, new JsonObject { [SessionCookieScheme] = new JsonArray() });
        return operation;
    }

    private JsonObject? RequestBody(ApiOperation described)
    {
        if (described.Body is { } type)
        {
            return new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Schema(type) } },
            };
        }

        return described.BodyContentType is { } contentType
            ? new JsonObject { ["content"] = new JsonObject { [contentType] = new JsonObject { ["schema"] = new JsonObject() } } }
            : null;
    }

    private JsonObject Response(ApiAnswer answer)
    {
        var response = new JsonObject { ["description"] = answer.Description };
        JsonNode? schema = answer switch
        {
            { Type: { } type } => Schema(type),
            { Properties: { } properties } => new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)Schema(p.Type)))),
            },
            { Status: >= 400 } => new JsonObject { ["$ref"] = "#/components/schemas/Problem" },
            _ => null,
        };
        if (schema is not null)
        {
            var mediaType = answer.Status >= 400 ? ProblemResponse.ContentType : "application/json";
            response["content"] = new JsonObject { [mediaType] = new JsonObject { ["schema"] = schema } };
        }

        return response;
    }

    private static void AddProblems(JsonObject responses, HttpFunction function, ApiOperation described, bool isPublic)
    {
        void Add(int status, string description)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            responses[key] ??= new JsonObject
            {
                ["description"] = description,
                ["content"] = new JsonObject { [ProblemResponse.ContentType] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
            };
        }

        if (described.Body is not null || described.BodyContentType is not null || described.Query.Count > 0)
        {
            Add(400, "The request is invalid (per-field errors); nothing was stored");
        }

        if (!isPublic)
        {
            Add(401, "No valid session or API key");
            Add(403, "The credential lacks the permission, or a cross-site request used the session cookie");
        }

        if (function.Route.Contains('{', StringComparison.Ordinal))
        {
            Add(404, "No such resource in this team (another team's id answers the same)");
        }

        if (function.Method.GetCustomAttribute<ExemptFromRateLimitAttribute>() is null)
        {
            Add(429, "Rate limited; see Retry-After");
        }

        Add(500, "Unexpected error; only the correlation id is given");
    }

    private JsonNode Schema(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is null && type != typeof(string) && !type.IsPrimitive && type != typeof(Guid)
            && type != typeof(DateTimeOffset) && type != typeof(JsonElement) && !typeof(IEnumerable).IsAssignableFrom(type))
        {
            _schemas[type.Name] ??= JsonSchemaExporter.GetJsonSchemaAsNode(s_schemaOptions, type, s_exporterOptions);
            return new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
        }

        return JsonSchemaExporter.GetJsonSchemaAsNode(s_schemaOptions, type, s_exporterOptions);
    }

    private static JsonObject Header(string name, string description, JsonObject schema) => new()
    {
        ["name"] = name,
        ["in"] = "header",
        ["required"] = false,
        ["description"] = description,
        ["schema"] = schema,
    };

    private static JsonObject Uuid() => new() { ["type"] = "string", ["format"] = "uuid" };

    /// <summary>The feature folder of the function's class: Templates, Contacts, ...</summary>
    private static string Tag(HttpFunction function) => function.Method.DeclaringType!.Namespace!.Split('.')[^1];

    private string ToOpenApiPath(string route) =>
        "/" + string.Join('/', new[] { routePrefix, RouteParameter().Replace(route, m => "{" + m.Groups["name"].Value + "}") }.Where(s => s.Length > 0));

    private static JsonObject Sorted(JsonObject schemas) =>
        new(schemas.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    [GeneratedRegex(@"\{\*?(?<name>[A-Za-z_][A-Za-z0-9_]*)(:(?<constraint>[a-z]+))?\}")]
    private static partial Regex RouteParameter();

    /// <summary>The shape <see cref="ProblemResponse"/> writes.</summary>
    private sealed record ProblemDocument(string Type, string Title, int Status, string? Detail, string CorrelationId, IReadOnlyDictionary<string, string[]>? Errors, Guid? EmailId);
}
