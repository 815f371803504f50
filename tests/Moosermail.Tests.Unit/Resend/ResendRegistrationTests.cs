using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core;
using Moosermail.Core.Resend;
using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Unit.Resend;

public sealed class ResendRegistrationTests
{
    [Fact]
    public void AddMoosermailCore_ResendBaseUrl_ConfiguresNamedClientWithUserAgent()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MOOSERMAIL_DATABASE_URL"] = "Host=localhost;Database=x;Username=u",
            ["ENCRYPTION_KEY"] = new string('a', 64),
            ["JWT_SECRET"] = new string('b', 64),
            ["RESEND_BASE_URL"] = "http://localhost:7072",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddMoosermailCore(configuration).BuildServiceProvider();

        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ResendClient.HttpClientName);

        Assert.NotNull(provider.GetRequiredService<ResendClient>());
        Assert.NotNull(provider.GetRequiredService<WebhookSignatureVerifier>());
        Assert.Equal(new Uri("http://localhost:7072/"), http.BaseAddress);
        Assert.NotEmpty(http.DefaultRequestHeaders.UserAgent);
        Assert.Null(http.DefaultRequestHeaders.Authorization);
    }
}
