using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Accounts;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Accounts;

/// <summary>Password reset and email verification by mailed single-use tokens, and the account's own audit events.</summary>
public sealed class RecoveryFunctions(AccountRecoveryService recovery)
{
    [Function(nameof(RequestPasswordReset))]
    [PublicFunction]
    public async Task<IResult> RequestPasswordReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/password-reset")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<PasswordResetRequest>(cancellationToken);
        await recovery.RequestPasswordResetAsync(body, request.ClientAddress(), cancellationToken);
        return Results.Json(new { status = "accepted", detail = "If an account has this address, a reset link is on its way; it works once, within 1 hour." },
            statusCode: StatusCodes.Status202Accepted);
    }

    [Function(nameof(ConfirmPasswordReset))]
    [PublicFunction]
    public async Task<IResult> ConfirmPasswordReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/password-reset/confirm")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<PasswordResetConfirmation>(cancellationToken);
        await recovery.ConfirmPasswordResetAsync(body, request.ClientAddress(), cancellationToken);
        return Results.NoContent();
    }

    [Function(nameof(VerifyEmail))]
    [PublicFunction]
    public async Task<IResult> VerifyEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/verify")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<EmailVerificationRequest>(cancellationToken);
        await recovery.VerifyEmailAsync(body, request.ClientAddress(), cancellationToken);
        return Results.NoContent();
    }

    [Function(nameof(RequestEmailVerification))]
    [AnyMember]
    public async Task<IResult> RequestEmailVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/verify/request")] HttpRequest request, FunctionContext context)
    {
        await recovery.RequestVerificationAsync(context.Caller(), context.CancellationToken);
        return Results.Json(new { status = "accepted" }, statusCode: StatusCodes.Status202Accepted);
    }

    [Function(nameof(AccountAudit))]
    [AnyMember]
    public async Task<IResult> AccountAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auth/audit")] HttpRequest request, FunctionContext context)
    {
        var query = new QueryParameters(request.Query);
        var cursor = query.Text("cursor");
        var limit = query.WholeNumber("limit");
        query.ThrowIfInvalid();
        var page = await recovery.ListAuditAsync(context.Caller(), cursor, limit, context.CancellationToken);
        return Results.Json(new { data = page.Data, next_cursor = page.NextCursor });
    }
}
