using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Moosermail.Core.Errors;
using Moosermail.Core.Validation;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Checks that need nothing but the request line and headers, before anything else spends work on it: a
/// query parameter or path holding NUL or a lone surrogate is a 400 naming it (JSON and CSV bodies get
/// the same check where they are read), and a <see cref="SameSiteOnlyAttribute"/> route refuses
/// cross-site browser requests.
/// </summary>
public sealed class RequestGuardMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            CheckText(http.Request);
            if (FunctionAttributes.Has<SameSiteOnlyAttribute>(context.FunctionDefinition))
            {
                CrossSiteRequests.RejectUnsafe(http.Request);
            }
        }

        return next(context);
    }

    private static void CheckText(HttpRequest request)
    {
        var errors = new ValidationErrors();
        if (TextRules.Problem(request.Path.Value) is { } pathProblem)
        {
            errors.Add("path", pathProblem);
        }

        foreach (var (name, values) in request.Query)
        {
            if (TextRules.Problem(name) is { } nameProblem)
            {
                errors.Add("query", $"has a parameter name that {nameProblem}");
                continue;
            }

            foreach (var value in values)
            {
                if (TextRules.Problem(value) is { } problem)
                {
                    errors.Add(name, problem);
                }
            }
        }

        errors.ThrowIfAny();
    }
}
