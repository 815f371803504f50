using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Moosermail.Functions.Pipeline;

/// <summary>Reads an attribute off the method behind a function (its entry point), once per function.</summary>
internal static class FunctionAttributes
{
    private static readonly ConcurrentDictionary<(string EntryPoint, Type Attribute), bool> s_cache = new();

    public static bool Has<TAttribute>(FunctionDefinition function)
        where TAttribute : Attribute =>
        s_cache.GetOrAdd((function.EntryPoint, typeof(TAttribute)), key =>
        {
            var split = key.EntryPoint.LastIndexOf('.');
            var type = typeof(FunctionAttributes).Assembly.GetType(key.EntryPoint[..split], throwOnError: true)!;
            var method = type.GetMethod(key.EntryPoint[(split + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)!;
            return method.GetCustomAttribute(key.Attribute) is not null;
        });
}
