using System.Net;
using Moosermail.Core.Errors;
using Moosermail.Core.Outbound;

namespace Moosermail.Tests.Unit.Outbound;

/// <summary>
/// The guard's save-time refusals and its send-time recheck, with a resolver that answers what each test needs.
/// No test here reaches the network: every case is refused before a connect.
/// </summary>
public sealed class OutboundHttpGuardTests
{
    [Theory]
    [InlineData("http://hooks.example.com/x", "https")]
    [InlineData("ftp://hooks.example.com/x", "https")]
    [InlineData("not a url", "absolute")]
    [InlineData("", "required")]
    [InlineData("https://user:pw@hooks.example.com/x", "Credentials")]
    [InlineData("https://hooks.example.com/x#frag", "fragment")]
    [InlineData("https://127.0.0.1/x", "loopback")]
    [InlineData("https://[::1]/x", "loopback")]
    [InlineData("https://[::ffff:127.0.0.1]/x", "loopback")]
    [InlineData("https://169.254.169.254/latest/meta-data", "metadata")]
    [InlineData("https://[fe80::1]/x", "link-local")]
    [InlineData("https://10.0.0.5/x", "private")]
    [InlineData("https://100.64.1.1/x", "carrier-grade")]
    [InlineData("https://0.0.0.0/x", "unspecified")]
    [InlineData("https://localhost/x", "loopback")]
    [InlineData("https://app.localhost/x", "loopback")]
    [InlineData("https://2130706433/x", "loopback")]
    public async Task ValidateAsync_Refused_NamesTheField(string url, string reason)
    {
        var guard = Guard(new FixedResolver(IPAddress.Parse("93.184.215.14")));

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => guard.ValidateAsync(url, "url", CancellationToken.None));

        Assert.Contains(reason, Assert.Single(error.Errors!["url"]), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("192.168.1.20")]
    [InlineData("169.254.169.254")]
    [InlineData("fd00::1")]
    public async Task ValidateAsync_NameResolvingToARefusedAddress_Refused(string address)
    {
        var guard = Guard(new FixedResolver(IPAddress.Parse("93.184.215.14"), IPAddress.Parse(address)));

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => guard.ValidateAsync("https://hooks.example.com/in", "url", CancellationToken.None));

        Assert.Contains(address, error.Errors!["url"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_PublicName_Accepted()
    {
        var uri = await Guard(new FixedResolver(IPAddress.Parse("93.184.215.14"))).ValidateAsync("https://hooks.example.com/in?x=1", "url", CancellationToken.None);

        Assert.Equal("hooks.example.com", uri.Host);
    }

    [Fact]
    public async Task ValidateAsync_SwitchOn_AllowsLoopbackOverHttpButNotMetadata()
    {
        var guard = Guard(new FixedResolver(IPAddress.Loopback), allowPrivate: true);

        await guard.ValidateAsync("http://localhost:5000/in", "url", CancellationToken.None);
        await guard.ValidateAsync("http://127.0.0.1:5000/in", "url", CancellationToken.None);
        await Assert.ThrowsAsync<ValidationFailedException>(() => guard.ValidateAsync("http://169.254.169.254/", "url", CancellationToken.None));
    }

    [Fact]
    public async Task PostJsonAsync_NameRebindsToLoopbackAfterSave_RefusedAtConnect()
    {
        var resolver = new FixedResolver(IPAddress.Parse("93.184.215.14"));
        var guard = Guard(resolver);
        var url = await guard.ValidateAsync("https://rebind.example.com/in", "url", CancellationToken.None);

        resolver.Answer = [IPAddress.Loopback];
        var result = await guard.PostJsonAsync(url, "{}"u8.ToArray(), new Dictionary<string, string>(), CancellationToken.None);

        Assert.Null(result.ResponseCode);
        Assert.False(result.Succeeded);
        Assert.Contains("127.0.0.1", result.Error, StringComparison.Ordinal);
    }

    private static OutboundHttpGuard Guard(IOutboundHostResolver resolver, bool allowPrivate = false)
    {
        var settings = new OutboundSettings { AllowPrivate = allowPrivate };
        OutboundHttpGuard? guard = null;
        guard = new OutboundHttpGuard(settings, resolver, new Factory(() => guard!.CreateHandler()));
        return guard;
    }

    private sealed class FixedResolver(params IPAddress[] answer) : IOutboundHostResolver
    {
        public IPAddress[] Answer { get; set; } = answer;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(Answer);
    }

    private sealed class Factory(Func<HttpMessageHandler> handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler(), disposeHandler: true);
    }
}
