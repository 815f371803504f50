using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Moosermail.Core.Contacts;
using Moosermail.Tests.Integration.Infrastructure;
using static Moosermail.Tests.Integration.Templates.TestContent;

namespace Moosermail.Tests.Integration.Contacts;

/// <summary>The contact APIs the sending code calls directly.</summary>
[Collection(AppCollection.Name)]
public sealed class ContactServiceTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    private ContactService Contacts => app.App.Services.GetRequiredService<ContactService>();

    [Fact]
    public async Task CollectRecipients_RepeatedAndMixedCaseAddresses_AddsEachOnceAndKeepsExistingContacts()
    {
        var user = await TestUsers.CreateAsync(app);
        await SendAsync(_client, user, HttpMethod.Post, "api/contacts", new { email = "gone@example.com", name = "Gone", unsubscribed = true });

        var first = await Contacts.CollectRecipientsAsync(user.TeamId, ["Ann@example.com", "ann@example.com", "bob@example.com", "GONE@example.com", "not an address"]);
        var second = await Contacts.CollectRecipientsAsync(user.TeamId, ["bob@example.com", "ann@EXAMPLE.com"]);
        var (_, list) = await SendAsync(_client, user, HttpMethod.Get, "api/contacts");

        var contacts = list.GetProperty("contacts").EnumerateArray().ToList();
        Assert.Equal(2, first);
        Assert.Equal(0, second);
        Assert.Equal(["ann@example.com", "bob@example.com", "gone@example.com"], contacts.Select(c => c.GetProperty("email").GetString()));
        Assert.True(contacts[2].GetProperty("unsubscribed").GetBoolean());
        Assert.Equal("Gone", contacts[2].GetProperty("name").GetString());
    }

    [Fact]
    public async Task ListSubscribedByTag_ReturnsOnlyTheTeamsSubscribedContactsWithTheTag()
    {
        var user = await TestUsers.CreateAsync(app);
        var other = await TestUsers.CreateAsync(app);
        await Create(user, new { email = "in@example.com", tags = new[] { "news" } });
        await Create(user, new { email = "out@example.com", tags = new[] { "news" }, unsubscribed = true });
        await Create(user, new { email = "untagged@example.com", tags = new[] { "other" } });
        await Create(other, new { email = "foreign@example.com", tags = new[] { "news" } });

        var subscribed = await Contacts.ListSubscribedByTagAsync(user.TeamId, "news");

        Assert.Equal(["in@example.com"], subscribed.Select(c => c.Email));
    }

    private async Task Create(TestUser user, object body)
    {
        var (status, _) = await SendAsync(_client, user, HttpMethod.Post, "api/contacts", body);
        Assert.Equal(HttpStatusCode.Created, status);
    }
}
