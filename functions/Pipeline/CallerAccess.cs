using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Security;

namespace Moosermail.Functions.Pipeline;

/// <summary>How a function gets its authenticated caller, and checks the one permission it needs.</summary>
public static class CallerAccess
{
    public static Caller Caller(this FunctionContext context) => AuthenticationMiddleware.GetCaller(context);

    /// <exception cref="Moosermail.Core.Errors.ForbiddenException">The caller lacks <paramref name="permission"/> (403).</exception>
    public static Caller Authorize(this FunctionContext context, string permission)
    {
        var caller = AuthenticationMiddleware.GetCaller(context);
        caller.Require(permission);
        return caller;
    }
}
