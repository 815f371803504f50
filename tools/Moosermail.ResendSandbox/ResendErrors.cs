using System.Text.Json.Serialization;

namespace Moosermail.ResendSandbox;

/// <summary>Resend's error body: <c>{ statusCode, message, name }</c>.</summary>
public sealed record ResendErrorBody(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("name")] string Name)
{
    public IResult ToResult() => Results.Json(this, statusCode: StatusCode);

    public Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCode;
        return context.Response.WriteAsJsonAsync(this);
    }

    public static ResendErrorBody Missing(string field) => new(422, $"Missing `{field}` field.", "missing_required_field");

    public static ResendErrorBody Validation(string message) => new(422, message, "validation_error");

    public static ResendErrorBody NotFound(string what) => new(404, $"{what} not found", "not_found");

    public static ResendErrorBody InvalidId() => new(422, "The `id` must be a valid UUID.", "invalid_parameter");
}
