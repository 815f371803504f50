using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Accounts;
using Moosermail.Functions.Http;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Accounts;

/// <summary>Signup, login, logout and the signed-in account (routes of the original product, §2.1).</summary>
public sealed class AuthFunctions(AccountService accounts)
{
    [Function(nameof(Signup))]
    [SameSiteOnly]
    [PublicFunction]
    public async Task<IResult> Signup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/signup")] HttpRequest request, CancellationToken cancellationToken)
    {
        await accounts.SignupAsync(await request.ReadJsonAsync<Credentials>(cancellationToken), cancellationToken);
        return Results.Json(new { ok = true }, statusCode: StatusCodes.Status201Created);
    }

    [Function(nameof(Login))]
    [SameSiteOnly]
    [PublicFunction]
    public async Task<IResult> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/login")] HttpRequest request, CancellationToken cancellationToken)
    {
        var token = await accounts.LoginAsync(await request.ReadJsonAsync<Credentials>(cancellationToken), request.ClientAddress(), cancellationToken);
        SessionCookie.Append(request.HttpContext.Response, token);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Json(new { token = token.Token, expires_at = token.ExpiresAt });
    }

    [Function(nameof(Logout))]
    [AnyMember]
    [SameSiteOnly]
    public async Task<IResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout")] HttpRequest request, FunctionContext context)
    {
        await accounts.LogoutAsync(context.Caller(), context.CancellationToken);
        SessionCookie.Clear(request.HttpContext.Response);
        return Results.NoContent();
    }

    [Function(nameof(Me))]
    [AnyMember]
    public async Task<IResult> Me(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auth/me")] HttpRequest request, FunctionContext context) =>
        Results.Json(await accounts.GetMeAsync(context.Caller(), context.CancellationToken));

    [Function(nameof(ChangePassword))]
    [AnyMember]
    public async Task<IResult> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/password")] HttpRequest request, FunctionContext context)
    {
        var body = await request.ReadJsonAsync<ChangePasswordRequest>(context.CancellationToken);
        return Results.Json(await accounts.ChangePasswordAsync(context.Caller(), body, request.ClientAddress(), context.CancellationToken));
    }

    [Function(nameof(DeleteAccount))]
    [AnyMember]
    public async Task<IResult> DeleteAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "auth/account")] HttpRequest request, FunctionContext context)
    {
        var body = await request.ReadJsonAsync<DeleteAccountRequest>(context.CancellationToken);
        await accounts.DeleteAccountAsync(context.Caller(), body, request.ClientAddress(), context.CancellationToken);
        SessionCookie.Clear(request.HttpContext.Response);
        return Results.NoContent();
    }
}
