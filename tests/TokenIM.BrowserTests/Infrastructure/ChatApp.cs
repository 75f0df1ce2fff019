using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>
/// The English web client as the tests see it. Everything issue 4 names is found by role and exact accessible name,
/// as a screen reader would find it, so a test fails when a name breaks; test ids are used only for what has no
/// required name (message bubbles with their <c>data-seq</c>/<c>data-status</c>, the unread badge, the sign-in /
/// create-account switch).
/// </summary>
public sealed partial class ChatApp(IPage page)
{
    public const string Password = "correct horse battery staple";

    public IPage Page { get; } = page;

    // ---- auth screen ----

    public ILocator Username => Page.GetByLabel("Username", new() { Exact = true });

    public ILocator PasswordInput => Page.GetByLabel("Password", new() { Exact = true });

    public ILocator DisplayName => Page.GetByLabel("Display name", new() { Exact = true });

    public ILocator SignInButton => Button("Sign in");

    public ILocator CreateAccountButton => Button("Create account");

    /// <summary>The sign-in form's switch to creating an account, by its own (exact) name, so a first-time user's path is found by names only.</summary>
    public ILocator CreateAccountToggle => Button("New here? Create account");

    public ILocator LanguageSwitch => Page.GetByRole(AriaRole.Combobox, new() { Name = "Language", Exact = true });

    // ---- signed in ----

    /// <summary>The signed-in sidebar that holds the conversation list (the list itself renders only once non-empty).</summary>
    public ILocator Sidebar => Page.GetByRole(AriaRole.Complementary, new() { Name = "Conversations", Exact = true });

    /// <summary>The conversation list: a list named "Conversations".</summary>
    public ILocator ConversationList => Page.GetByRole(AriaRole.List, new() { Name = "Conversations", Exact = true });

    /// <summary>
    /// The items of the conversation list: each a button named "title, online state (direct chats), unread count (if
    /// any), last message preview", e.g. "Alice Liddell, Online, 1 unread message, hi Bob".
    /// </summary>
    public ILocator Conversations => ConversationList.GetByRole(AriaRole.Button);

    public ILocator NewChatButton => Button("New chat");

    public ILocator NewGroupButton => Button("New group");

    public ILocator SignOutButton => Button("Sign out");

    /// <summary>The user search of the open new-chat or new-group dialog (a search box labelled "Search users").</summary>
    public ILocator UserSearch => Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search users", Exact = true });

    public ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    /// <summary>The open dialog's user search results: a list named "Search results" (not "Search users", the input's name).</summary>
    public ILocator SearchResults => Dialog.GetByRole(AriaRole.List, new() { Name = "Search results", Exact = true });

    /// <summary>A user in the open dialog's search results: a button whose name ends with <c>@username</c>.</summary>
    public ILocator SearchResult(string username) =>
        Dialog.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"@{Regex.Escape(username)}$") });

    public ILocator GroupName => Dialog.GetByLabel("Group name", new() { Exact = true });

    public ILocator CreateGroupButton => Dialog.GetByRole(AriaRole.Button, new() { Name = "Create group", Exact = true });

    /// <summary>The connection banner (a status), while it reports being offline or reconnecting.</summary>
    public ILocator OfflineBanner => Page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = OfflineOrReconnecting() });

    public ILocator Composer => Page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

    public ILocator SendButton => Button("Send");

    public ILocator BackButton => Button("Back to conversations");

    /// <summary>The open chat: a region named by the conversation title.</summary>
    public ILocator ChatRegion(string title) => Page.GetByRole(AriaRole.Region, new() { Name = title, Exact = true });

    public ILocator Messages => Page.GetByTestId("message");

    public static ILocator UnreadBadge(ILocator conversation) => conversation.GetByTestId("unread-badge");

    /// <summary>
    /// A conversation by its title (a direct chat's title is the other person's display name, by default the
    /// username): the list item whose accessible name begins with the title as a whole word (then a comma, or the end).
    /// </summary>
    public ILocator Conversation(string title) =>
        ConversationList.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^{Regex.Escape(title)}(,|\\s|$)") });

    public ILocator Message(string text) => Messages.Filter(new() { HasText = text });

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    // ---- flows ----

    /// <summary>Opens the app and creates an account through the sign-up form; returns once the sidebar is shown.</summary>
    public async Task SignUpAsync(string username, string? displayName = null)
    {
        await Page.GotoAsync("/");
        await CreateAccountToggle.ClickAsync();
        await Username.FillAsync(username);
        if (displayName is not null)
            await DisplayName.FillAsync(displayName);
        await PasswordInput.FillAsync(Password);
        await CreateAccountButton.ClickAsync();
        await Expect(Sidebar).ToBeVisibleAsync();
    }

    /// <summary>Starts (or reopens) a direct chat by searching the other user's username; returns once the composer shows.</summary>
    public async Task StartDirectChatAsync(string username)
    {
        await NewChatButton.ClickAsync();
        await UserSearch.FillAsync(username);
        await Expect(SearchResults).ToBeVisibleAsync();
        await SearchResult(username).ClickAsync();
        await Expect(Composer).ToBeVisibleAsync();
    }

    /// <summary>Creates a group through "New group", adding each member by username search; returns once it is open.</summary>
    public async Task CreateGroupAsync(string title, params string[] usernames)
    {
        await NewGroupButton.ClickAsync();
        await GroupName.FillAsync(title);
        foreach (var username in usernames)
        {
            await UserSearch.FillAsync(username);
            await SearchResult(username).ClickAsync();
        }
        await CreateGroupButton.ClickAsync();
        await Expect(ChatRegion(title)).ToBeVisibleAsync();
        await Expect(Composer).ToBeVisibleAsync();
    }

    /// <summary>Opens a conversation from the list; returns once its chat shows.</summary>
    public async Task OpenAsync(string title)
    {
        await Conversation(title).ClickAsync();
        await Expect(ChatRegion(title)).ToBeVisibleAsync();
    }

    /// <summary>Types a message into the composer and sends it with Enter.</summary>
    public async Task SendAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
        await Expect(Composer).ToHaveValueAsync("");
    }

    /// <summary>The seq numbers of the shown message bubbles, top to bottom (-1 for a send not yet acknowledged).</summary>
    public async Task<IReadOnlyList<long>> ShownSeqsAsync() => [.. (await ShownMessagesAsync()).Select(m => m.Seq)];

    /// <summary>The shown bubbles, top to bottom: seq (-1 while pending) and the message text without sender or time.</summary>
    public async Task<IReadOnlyList<ShownMessage>> ShownMessagesAsync()
    {
        var rows = await Messages.EvaluateAllAsync<string?[][]>(
            "els => els.map(e => [e.getAttribute('data-seq'), (e.querySelector('.text') ?? e).textContent])");
        return [.. rows.Select(r => new ShownMessage(long.Parse(r[0] ?? "-1", CultureInfo.InvariantCulture), r[1] ?? ""))];
    }

    [GeneratedRegex("offline|reconnecting", RegexOptions.IgnoreCase)]
    private static partial Regex OfflineOrReconnecting();
}

/// <summary>A message bubble as shown: its seq (-1 while pending) and its text.</summary>
public sealed record ShownMessage(long Seq, string Text);
