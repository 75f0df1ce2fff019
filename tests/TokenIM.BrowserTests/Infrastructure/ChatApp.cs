using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>
/// The web client as the tests see it: every element a test touches is found here, by the test ids the client
/// exposes, so a renamed id is a one-line change.
/// </summary>
public sealed class ChatApp(IPage page)
{
    public const string Password = "correct horse battery staple";

    public IPage Page { get; } = page;

    public ILocator Username => Page.GetByTestId("auth-username");

    public ILocator PasswordInput => Page.GetByTestId("auth-password");

    public ILocator Submit => Page.GetByTestId("auth-submit");

    public ILocator CreateAccountToggle => Page.GetByTestId("auth-toggle");

    /// <summary>The signed-in sidebar that holds the conversation list (the list itself renders only once non-empty).</summary>
    public ILocator ConversationList => Page.GetByRole(AriaRole.Complementary, new() { Name = "Conversations" });

    public ILocator Conversations => Page.GetByTestId("conversation-item");

    public ILocator NewChatButton => Page.GetByTestId("new-chat");

    public ILocator UserSearch => Page.GetByTestId("new-chat-search");

    public ILocator SearchResult(string username) => Page.Locator($"[data-testid='new-chat-result'][data-username='{username}']");

    public ILocator Composer => Page.GetByTestId("composer");

    public ILocator Messages => Page.GetByTestId("message");

    public static ILocator UnreadBadge(ILocator conversation) => conversation.GetByTestId("unread-badge");

    /// <summary>A conversation by its title: for a direct chat, the other person's display name (by default the username).</summary>
    public ILocator Conversation(string title) => Conversations.Filter(new() { HasText = title });

    public ILocator Message(string text) => Messages.Filter(new() { HasText = text });

    /// <summary>Opens the app and creates an account through the sign-up form; returns once the list is shown.</summary>
    public async Task SignUpAsync(string username)
    {
        await Page.GotoAsync("/");
        await CreateAccountToggle.ClickAsync();
        await Username.FillAsync(username);
        await PasswordInput.FillAsync(Password);
        await Submit.ClickAsync();
        await Expect(ConversationList).ToBeVisibleAsync();
    }

    /// <summary>Starts (or reopens) a direct chat by searching the other user's username; returns once the composer shows.</summary>
    public async Task StartDirectChatAsync(string username)
    {
        await NewChatButton.ClickAsync();
        await UserSearch.FillAsync(username);
        await SearchResult(username).ClickAsync();
        await Expect(Composer).ToBeVisibleAsync();
    }

    /// <summary>Types a message into the composer and sends it with Enter.</summary>
    public async Task SendAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
    }

    /// <summary>The seq numbers of the shown message bubbles, top to bottom.</summary>
    public async Task<IReadOnlyList<long>> ShownSeqsAsync()
    {
        var seqs = await Messages.EvaluateAllAsync<string?[]>("els => els.map(e => e.getAttribute('data-seq'))");
        return [.. seqs.Select(s => long.Parse(s ?? "-1", System.Globalization.CultureInfo.InvariantCulture))];
    }
}
