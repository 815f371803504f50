using System.Reflection;

namespace Moosermail.Tests.Infra;

/// <summary>Paths the build wrote into this assembly (see the csproj): the repository, the bicep binary.</summary>
internal static class BuildInfo
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string BicepPath { get; } = Metadata("BicepPath");

    public static string Configuration { get; } = Metadata("Configuration");

    public static string InfraDirectory { get; } = Path.Combine(RepositoryRoot, "infra");

    private static string Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The build did not record {key}.");
}
