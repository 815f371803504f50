using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Functions.Hosting;
using Moosermail.Functions.Pipeline;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Accounts;

[Collection(AppCollection.Name)]
public sealed partial class AuthenticationCoverageTests(AppFixture app)
{
    /// <summary>Adding a public function means adding it here, on purpose.</summary>
    private static readonly string[] s_publicFunctions = ["Health", "NotFound", "Signup", "Login", "FireTrigger", "FireTriggerByHeader", "ReceiveResendWebhook", "GetOpenApiDocument", "ApiDocs", "ApiDocsFile", "RequestPasswordReset", "ConfirmPasswordReset", "VerifyEmail"];

    [Fact]
    public void PublicFunctions_AreExactlyTheIntendedOnes()
    {
        var catalog = app.App.Services.GetRequiredService<FunctionCatalog>();

        var marked = catalog.Http.Where(f => f.Method.GetCustomAttribute<PublicFunctionAttribute>() is not null).Select(f => f.Name);

        Assert.Equal(s_publicFunctions.Order(), marked.Order());
    }

    [Fact]
    public async Task EveryNonPublicFunction_WithoutCredentials_Returns401()
    {
        var catalog = app.App.Services.GetRequiredService<FunctionCatalog>();
        using var client = app.CreateClient();
        var checkedCount = 0;

        foreach (var function in catalog.Http.Where(f => !s_publicFunctions.Contains(f.Name)))
        {
            foreach (var method in function.Methods)
            {
                var path = "api/" + RouteParameter().Replace(function.Route, Guid.NewGuid().ToString());
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") };

                var response = await client.SendAsync(request);

                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} ({function.Name}) answered {(int)response.StatusCode} without credentials");
                checkedCount++;
            }
        }

        Assert.True(checkedCount >= 4);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
