using Moosermail.Core.Pipes;

namespace Moosermail.Tests.Unit.Pipes;

public sealed class CloserStripperTests
{
    [Theory]
    [InlineData("Sent from my iPhone")]
    [InlineData("Sent from my iPad")]
    [InlineData("Sent from my Galaxy")]
    [InlineData("Sent from my Samsung Galaxy smartphone.")]
    [InlineData("Sent from my Pixel")]
    [InlineData("Sent from my Google Pixel 8")]
    [InlineData("Sent from my Huawei phone")]
    [InlineData("Get Outlook for iOS")]
    [InlineData("Get Outlook for Android<https://aka.ms/ghei36>")]
    [InlineData("Sent from Yahoo Mail for iPhone")]
    [InlineData("Sent from Yahoo Mail on Android")]
    [InlineData("Sent from Mail for Windows 10")]
    [InlineData("Sent from Mailspring")]
    [InlineData("Sent from Superhuman")]
    [InlineData("This message was sent from my mobile device.")]
    [InlineData("This message was sent via Acme Mailer")]
    [InlineData("This email was sent from a notification-only address")]
    [InlineData("  sent FROM my IPHONE")]
    public void Strip_EachDocumentedCloser_IsRemovedWithEverythingAfterIt(string closer)
    {
        var body = $"Hi Ann,\n\nSee you at 5.\n\n{closer}\n\nOn Monday, Bob wrote:\n> earlier text";

        Assert.Equal("Hi Ann,\n\nSee you at 5.", CloserStripper.Strip(body));
    }

    [Fact]
    public void Strip_CloserOnALaterLineOfAMultiLineBody_IsFound()
    {
        var body = "line one\nline two\nline three\n\n\n\nSent from my iPhone";

        Assert.Equal("line one\nline two\nline three", CloserStripper.Strip(body));
    }

    [Fact]
    public void Strip_CrLfLineEndings_AreHandledLikeLf()
    {
        var body = "Hi,\r\nthanks!\r\n\r\nGet Outlook for Android\r\n";

        Assert.Equal("Hi,\r\nthanks!", CloserStripper.Strip(body));
    }

    [Fact]
    public void Strip_SignatureSeparatorAboveTheCloser_GoesToo()
    {
        Assert.Equal("Thanks", CloserStripper.Strip("Thanks\n\n-- \nSent from my iPad"));
        Assert.Equal("Thanks", CloserStripper.Strip("Thanks\n______\nSent from Mailspring"));
    }

    [Fact]
    public void Strip_FirstOfSeveralClosers_CutsFromThere()
    {
        Assert.Equal("a", CloserStripper.Strip("a\nGet Outlook for iOS\nb\nSent from my iPhone"));
    }

    [Theory]
    [InlineData("I wrote this, sent from my iPhone, on the train.")]
    [InlineData("Please tell me: was this sent from Superhuman?")]
    [InlineData("Sent from my desk at the office")]
    [InlineData("Sent from my iPhoneX-free laptop")]
    [InlineData("Get Outlook for Mac")]
    [InlineData("")]
    public void Strip_NoCloserAtTheStartOfALine_KeepsTheBodyAsItIs(string body)
    {
        Assert.Equal(body, CloserStripper.Strip(body));
    }

    [Fact]
    public void Strip_BodyThatIsOnlyACloser_BecomesEmpty()
    {
        Assert.Equal(string.Empty, CloserStripper.Strip("Sent from my iPhone"));
    }

    [Fact]
    public void Strip_HugeBodyWithoutACloser_FinishesAndKeepsIt()
    {
        var body = string.Concat(Enumerable.Repeat("Sent from my \n", 100_000));

        Assert.Equal(body, CloserStripper.Strip(body));
    }
}
