using Moosermail.Core.Webhooks;

namespace Moosermail.Tests.Unit.Webhooks;

public sealed class EmailStatusRulesTests
{
    [Theory]
    [InlineData("sent", "delivered", "delivered")]
    [InlineData("sending", "sent", "sent")]
    [InlineData("sent", "delivery_delayed", "delivery_delayed")]
    [InlineData("delivery_delayed", "delivered", "delivered")]
    [InlineData("delivered", "opened", "opened")]
    [InlineData("opened", "clicked", "clicked")]
    [InlineData("delivered", "bounced", "bounced")]
    [InlineData("clicked", "complained", "complained")]
    [InlineData("sent", "failed", "failed")]
    [InlineData("queued", "sent", "sent")]
    public void Next_LaterStage_Wins(string current, string incoming, string expected) =>
        Assert.Equal(expected, EmailStatusRules.Next(current, incoming));

    [Theory]
    [InlineData("bounced", "delivered")]
    [InlineData("complained", "delivered")]
    [InlineData("bounced", "complained")]
    [InlineData("complained", "bounced")]
    [InlineData("failed", "sent")]
    [InlineData("clicked", "opened")]
    [InlineData("opened", "delivered")]
    [InlineData("delivered", "sent")]
    [InlineData("delivered", "delivery_delayed")]
    [InlineData("canceled", "delivered")]
    [InlineData("sent", "sent")]
    [InlineData("sent", null)]
    [InlineData("sent", "no_such_status")]
    public void Next_EarlierStageOrAfterTerminal_KeepsCurrent(string current, string? incoming) =>
        Assert.Equal(current, EmailStatusRules.Next(current, incoming));

    [Theory]
    [InlineData("email.delivered", "delivered")]
    [InlineData("email.bounced", "bounced")]
    [InlineData("email.opened", "opened")]
    [InlineData("email.received", null)]
    [InlineData("contact.created", null)]
    public void StatusOf_EventType_MapsToEmailStatus(string type, string? status) =>
        Assert.Equal(status, EmailStatusRules.StatusOf(type));
}
