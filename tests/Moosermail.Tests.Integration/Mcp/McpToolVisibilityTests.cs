using Moosermail.Core.Security;
using Moosermail.Functions.Mcp;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Mcp;

/// <summary>tools/list shows a caller exactly the tools it may call: walked tool by tool for each kind of caller.</summary>
[Collection(AppCollection.Name)]
public sealed class McpToolVisibilityTests(AppFixture app)
{
    private readonly HttpClient _client = app.CreateClient();

    public static TheoryData<string> Callers => ["owner", "admin", "member", "member without emails:send and inbox:read", "mk_ key with emails:read and templates:read", "mk_ key with inbox:read only"];

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task ToolsList_IsExactlyTheToolsTheCallerMayCall(string caller)
    {
        var (mcp, permissions) = await CallerAsync(caller);

        var listed = await mcp.ToolNamesAsync();
        var callable = new List<string>();
        foreach (var tool in McpToolCatalog.All)
        {
            // Empty arguments: a tool the caller may call answers (a read, or "is required"); one it may not is refused
            // before any argument is read. Nothing is sent: every sending tool requires an argument.
            var (isError, text) = await mcp.CallToolAsync(tool.Name);
            var refused = isError && text.Contains("lacks the '", StringComparison.Ordinal);
            if (refused)
            {
                Assert.Contains(tool.Permission, text, StringComparison.Ordinal);
            }
            else
            {
                callable.Add(tool.Name);
            }
        }

        Assert.Equal(callable.Order(), listed);
        Assert.Equal(McpToolCatalog.All.Where(t => permissions.Contains(t.Permission)).Select(t => t.Name).Order(), listed);
    }

    [Fact]
    public async Task ToolsList_NarrowKey_HidesWhatItCannotCall_AndACallStillNamesThePermission()
    {
        var user = await TestUsers.CreateAsync(app);
        var (_, key, _) = await TestApiKeys.CreateAsync(_client, user, permissions: [Permissions.InboxRead]);
        var mcp = new McpClient(_client, user.Using(key));

        var listed = await mcp.ToolNamesAsync();
        var (isError, text) = await mcp.CallToolAsync("send_email", new { to = "a@example.com", subject = "Hi", body = "Hello" });

        Assert.Equal(["list_emails", "read_email"], listed);
        Assert.True(isError);
        Assert.Contains("emails:send", text, StringComparison.Ordinal);
    }

    private async Task<(McpClient Client, IReadOnlySet<string> Permissions)> CallerAsync(string caller)
    {
        var owner = await TestUsers.CreateAsync(app);
        if (caller.StartsWith("mk_", StringComparison.Ordinal))
        {
            string[] granted = caller.Contains("inbox", StringComparison.Ordinal) ? [Permissions.InboxRead] : [Permissions.EmailsRead, Permissions.TemplatesRead];
            var (_, key, _) = await TestApiKeys.CreateAsync(_client, owner, permissions: granted);
            return (new McpClient(_client, owner.Using(key)), granted.ToHashSet());
        }

        if (caller == "owner")
        {
            return (new McpClient(_client, owner), Permissions.Effective(Roles.Owner, null, null));
        }

        var teamId = await TestTeams.CreateAsync(_client, owner);
        string[] revoked = caller.Contains("without", StringComparison.Ordinal) ? [Permissions.EmailsSend, Permissions.InboxRead] : [];
        var role = caller == "admin" ? Roles.Admin : Roles.Member;
        var member = await TestTeams.JoinAsync(app, _client, owner, teamId, role, revoked.Length > 0 ? new { revoke = revoked } : null);
        return (new McpClient(_client, member, teamId), Permissions.Effective(role, null, revoked));
    }
}
