using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Hosting;

/// <summary>
/// Invokes a function method the way the worker would: a fresh instance from DI, parameters bound from
/// the request (HttpRequest, FunctionContext, CancellationToken, route values, TimerInfo), all behind the
/// shared <see cref="MoosermailPipeline"/>.
/// </summary>
internal static class LocalInvoker
{
    private static readonly FunctionExecutionDelegate s_pipeline = MoosermailPipeline.Compose(InvokeFunctionAsync);
    private static readonly object s_methodKey = new();

    public static Task InvokeHttpAsync(HttpContext http, HttpFunction function)
    {
        var context = new LocalFunctionContext(function.Name, function.Method, http.RequestServices, http.RequestAborted);
        context.Items[LocalFunctionContext.HttpContextItemKey] = http;
        context.Items[s_methodKey] = function.Method;
        return s_pipeline(context);
    }

    public static async Task InvokeTimerAsync(IServiceProvider services, TimerFunction function, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var context = new LocalFunctionContext(function.Name, function.Method, scope.ServiceProvider, cancellationToken);
        context.Items[s_methodKey] = function.Method;
        await s_pipeline(context);
    }

    private static async Task InvokeFunctionAsync(FunctionContext context)
    {
        var method = (MethodInfo)context.Items[s_methodKey];
        var http = context.GetHttpContext();
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.InstanceServices, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => Bind(p, context, http)).ToArray();
        var returned = method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        var result = await Unwrap(returned);
        if (http is null || result is null)
        {
            return;
        }

        switch (result)
        {
            case IResult httpResult:
                await httpResult.ExecuteAsync(http);
                break;
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
                break;
            default:
                await Results.Json(result).ExecuteAsync(http);
                break;
        }
    }

    private static object? Bind(ParameterInfo parameter, FunctionContext context, HttpContext? http)
    {
        var type = parameter.ParameterType;
        if (type == typeof(FunctionContext))
        {
            return context;
        }

        if (type == typeof(CancellationToken))
        {
            return context.CancellationToken;
        }

        if (type == typeof(TimerInfo))
        {
            return new TimerInfo();
        }

        if (http is null)
        {
            throw new InvalidOperationException($"{context.FunctionDefinition.Name}: cannot bind {parameter.Name} outside an HTTP request.");
        }

        if (type == typeof(HttpRequest))
        {
            return http.Request;
        }

        if (type == typeof(HttpContext))
        {
            return http;
        }

        var raw = http.GetRouteValue(parameter.Name!)?.ToString();
        if (raw is null)
        {
            return parameter.HasDefaultValue ? parameter.DefaultValue : null;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == typeof(string) ? raw
            : target == typeof(Guid) ? Guid.Parse(raw, CultureInfo.InvariantCulture)
            : Convert.ChangeType(raw, target, CultureInfo.InvariantCulture);
    }

    private static async Task<object?> Unwrap(object? returned)
    {
        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        var type = task.GetType();
        return type.IsGenericType ? type.GetProperty("Result")!.GetValue(task) : null;
    }
}
