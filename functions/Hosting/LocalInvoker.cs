using System.Collections.Concurrent;
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

    /// <summary>What each function method needs per call, worked out once: reflection stays out of the request path.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, CompiledFunction> s_compiled = new();

    private sealed record CompiledFunction(ObjectFactory? Factory, ParameterInfo[] Parameters, MethodInvoker Invoker, Func<Task, object?>? Result);

    private static CompiledFunction Compile(MethodInfo method)
    {
        Func<Task, object?>? result = null;
        if (method.ReturnType.IsGenericType && typeof(Task).IsAssignableFrom(method.ReturnType))
        {
            var property = method.ReturnType.GetProperty(nameof(Task<int>.Result))!;
            result = task => property.GetValue(task);
        }

        return new CompiledFunction(
            method.IsStatic ? null : ActivatorUtilities.CreateFactory(method.DeclaringType!, Type.EmptyTypes),
            method.GetParameters(),
            MethodInvoker.Create(method),
            result);
    }

    private static async Task InvokeFunctionAsync(FunctionContext context)
    {
        var method = (MethodInfo)context.Items[s_methodKey];
        var compiled = s_compiled.GetOrAdd(method, Compile);
        var http = context.GetHttpContext();
        var instance = compiled.Factory?.Invoke(context.InstanceServices, null);
        var arguments = new object?[compiled.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Bind(compiled.Parameters[i], context, http);
        }

        var returned = compiled.Invoker.Invoke(instance, arguments.AsSpan());
        var result = await Unwrap(returned, compiled.Result);
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

    private static async Task<object?> Unwrap(object? returned, Func<Task, object?>? result)
    {
        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return result?.Invoke(task);
    }
}
