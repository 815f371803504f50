using Microsoft.Extensions.DependencyInjection;
using Moosermail.Functions.Hosting;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Authorization;

/// <summary>
/// Walks every HTTP function in functions.metadata and calls it as each caller of <see cref="MatrixRole"/>
/// with real resources, asserting the answer its declaration implies; writes and checks docs/permissions.md.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AuthorizationMatrixTests(AppFixture app)
{
    private const string DocPath = "docs/permissions.md";
    private const string UpdateSwitch = "MOOSERMAIL_UPDATE_DOCS";

    [Fact]
    public void EveryFunction_DeclaresItsAccess_AndHasARouteFixture()
    {
        var problems = new List<string>();

        AuthorizationMatrix.Rows(Catalog(), problems);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void PermissionsDoc_IsTheOneTheCodeDerives()
    {
        var expected = AuthorizationMatrix.Markdown(AuthorizationMatrix.Rows(Catalog(), []));
        var path = Path.Combine(RepositoryRoot(), DocPath);
        if (Environment.GetEnvironmentVariable(UpdateSwitch) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }

        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        Assert.True(committed == expected, $"{DocPath} differs from what the declarations give; run the tests with {UpdateSwitch}=1 and commit the file.");
    }

    [Fact]
    public async Task EveryRoute_AsEveryCaller_AnswersWhatItsDeclarationSays()
    {
        using var client = app.CreateClient();
        var failures = new List<string>();
        var calls = 0;

        foreach (var row in AuthorizationMatrix.Rows(Catalog(), []))
        {
            foreach (var role in AuthorizationMatrix.Roles)
            {
                calls++;
                var expected = AuthorizationMatrix.Expected(row, role);
                var world = await MatrixWorld.CreateAsync(app, client);
                RouteCall call;
                try
                {
                    call = await row.Fixture.Prepare(world);
                }
                catch (Exception ex)
                {
                    failures.Add($"{row.Method} {row.Route} as {role}: the fixture failed: {ex.Message}");
                    continue;
                }

                using var request = await world.RequestAsAsync(role, new HttpMethod(row.Method), call, row.UnrelatedPermission);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (Mismatch(expected, (int)response.StatusCode, body, world) is { } why)
                {
                    failures.Add($"{row.Method} {row.Route} as {role}: expected {expected}, {why}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls disagree with the declarations:\n" + string.Join("\n", failures));
    }

    private static string? Mismatch(string expected, int status, string body, MatrixWorld world)
    {
        var got = $"got {status}: {Shorten(body)}";
        return expected switch
        {
            "2xx" => status is >= 200 and < 300 ? null : got,
            AuthorizationMatrix.OwnTeam when status is 401 or 403 or >= 500 => got,
            AuthorizationMatrix.OwnTeam => world.Known.FirstOrDefault(id => body.Contains(id, StringComparison.OrdinalIgnoreCase)) is { } leaked
                ? $"the answer shows team A's {leaked}"
                : null,
            _ => expected == status.ToString(System.Globalization.CultureInfo.InvariantCulture) ? null : got,
        };
    }

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    private FunctionCatalog Catalog() => app.App.Services.GetRequiredService<FunctionCatalog>();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Moosermail.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Moosermail.sln not found above the test output directory.");
    }
}
