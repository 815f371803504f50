using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Moosermail.Functions.Hosting;

/// <summary>
/// The FunctionContext the local host gives the shared worker middleware, carrying the same HttpContext
/// item the ASP.NET Core integration sets, so <c>context.GetHttpContext()</c> works under both hosts.
/// </summary>
internal sealed class LocalFunctionContext : FunctionContext
{
    public const string HttpContextItemKey = "HttpRequestContext";

    public LocalFunctionContext(string name, MethodInfo method, IServiceProvider services, CancellationToken cancellationToken)
    {
        FunctionDefinition = new LocalFunctionDefinition(name, method);
        InstanceServices = services;
        CancellationToken = cancellationToken;
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => FunctionDefinition.Id;

    public override TraceContext TraceContext => throw new NotSupportedException("No trace context under the local host.");

    public override BindingContext BindingContext => throw new NotSupportedException("Use the HttpContext; binding data is a Functions host concept.");

    public override RetryContext RetryContext => throw new NotSupportedException("No retry context under the local host.");

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition { get; }

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException("No invocation features under the local host.");

    public override CancellationToken CancellationToken { get; }

    private sealed class LocalFunctionDefinition(string name, MethodInfo method) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => method.DeclaringType!.Assembly.Location;

        public override string EntryPoint => $"{method.DeclaringType!.FullName}.{method.Name}";

        public override string Id => name;

        public override string Name => name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }
}
