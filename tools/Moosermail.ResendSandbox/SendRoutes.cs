using System.Text.Json;

namespace Moosermail.ResendSandbox;

/// <summary>POST /emails and POST /emails/batch.</summary>
public static class SendRoutes
{
    public static void MapSendRoutes(this WebApplication app)
    {
        app.MapPost("/emails", (HttpContext context, IdempotentSend idempotent, SendValidation validation, EmailLifecycle lifecycle) =>
            idempotent.RunAsync(context, (body, account) =>
            {
                var (email, error) = validation.Validate(body, inBatch: false);
                if (error is not null)
                {
                    return (error.StatusCode, error);
                }

                lifecycle.Accept(account, email!);
                return (200, new { id = email!.Id });
            }));

        app.MapPost("/emails/batch", (HttpContext context, IdempotentSend idempotent, SendValidation validation, EmailLifecycle lifecycle, SandboxOptions options) =>
        {
            var permissive = context.Request.Headers["x-batch-validation"] == "permissive";
            return idempotent.RunAsync(context, (body, account) => Batch(body, account, permissive, validation, lifecycle, options));
        });
    }

    private static (int, object) Batch(
        JsonElement body, SandboxAccount account, bool permissive, SendValidation validation, EmailLifecycle lifecycle, SandboxOptions options)
    {
        var items = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [];
        if (items.Count == 0 || items.Count > options.MaxBatchSize)
        {
            var error = ResendErrorBody.Validation($"The batch must be an array of 1 to {options.MaxBatchSize} emails.");
            return (error.StatusCode, error);
        }

        var checkedItems = items.Select(item => validation.Validate(item, inBatch: true)).ToList();
        var firstError = checkedItems.FindIndex(c => c.Error is not null);
        if (!permissive && firstError >= 0)
        {
            var error = checkedItems[firstError].Error!;
            return (error.StatusCode, error with { Message = $"emails[{firstError}]: {error.Message}" });
        }

        var data = new List<object>();
        var errors = new List<object>();
        foreach (var (item, index) in checkedItems.Select((c, i) => (c, i)))
        {
            if (item.Email is { } email)
            {
                lifecycle.Accept(account, email);
                data.Add(new { id = email.Id });
            }
            else
            {
                errors.Add(new { index, message = item.Error!.Message });
            }
        }

        return permissive ? (200, new { data, errors }) : (200, new { data });
    }
}
