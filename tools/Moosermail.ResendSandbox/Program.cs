namespace Moosermail.ResendSandbox;

/// <summary>dotnet run --project tools/Moosermail.ResendSandbox -- --urls http://localhost:7072</summary>
public static class SandboxProgram
{
    public static async Task Main(string[] args) => await SandboxApp.Build(args).RunAsync();
}
