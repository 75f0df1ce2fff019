using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>
/// The group-details and sessions parts of the web client, for the tests of those screens; found by accessible
/// names where the client gives one, else by the test ids in web/README.md.
/// </summary>
public sealed class GroupAndSessionPages(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator GroupDetailsButton => Page.GetByRole(AriaRole.Button, new() { Name = "Group details" });

    /// <summary>The group-details dialog, named by the group's title.</summary>
    public ILocator GroupDetails(string title) => Page.GetByRole(AriaRole.Dialog, new() { Name = title });

    public ILocator MemberCount => Page.GetByTestId("member-count");

    public ILocator Members => Page.GetByTestId("group-member");

    public ILocator Member(string username) => Page.Locator($"[data-testid='group-member'][data-username='{username}']");

    public ILocator AddMemberSearch => Page.GetByLabel("Search users");

    public ILocator AddMemberResult(string username) => Page.Locator($"[data-testid='group-add-result'][data-username='{username}']");

    public ILocator RemoveMember(string displayName) => Page.GetByRole(AriaRole.Button, new() { Name = $"Remove {displayName}", Exact = true });

    /// <summary>The owner's "Make &lt;display name&gt; admin" button on a member (only the owner sees role buttons).</summary>
    public ILocator MakeAdmin(string displayName) => Page.GetByRole(AriaRole.Button, new() { Name = $"Make {displayName} admin", Exact = true });

    public ILocator RemoveAdmin(string displayName) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"Remove admin role from {displayName}", Exact = true });

    public ILocator LeaveGroup => Page.GetByRole(AriaRole.Button, new() { Name = "Leave group" });

    public ILocator ConfirmLeave => Page.GetByRole(AriaRole.Button, new() { Name = "Leave", Exact = true });

    public ILocator SessionsButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sessions" });

    public ILocator SessionsDialog => Page.GetByRole(AriaRole.Dialog, new() { Name = "Signed-in devices" });

    public ILocator Sessions => Page.GetByTestId("session-item");

    public ILocator RevokeButtons => Page.GetByRole(AriaRole.Button, new() { Name = "Revoke" });

    /// <summary>Opens the app and signs in with the form (the account exists already); returns once the sidebar is shown.</summary>
    public async Task SignInAsync(string username)
    {
        var app = new ChatApp(Page);
        await Page.GotoAsync("/");
        await app.Username.FillAsync(username);
        await app.PasswordInput.FillAsync(ChatApp.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        // The sidebar, not the list: the list renders only once it has a conversation.
        await Expect(app.Sidebar).ToBeVisibleAsync();
    }

    /// <summary>Creates a group with the new-group dialog, picking each member by username; returns once it is open.</summary>
    public async Task CreateGroupAsync(string title, params string[] usernames)
    {
        await Page.GetByTestId("new-group").ClickAsync();
        await Page.GetByTestId("new-group-title").FillAsync(title);
        foreach (var username in usernames)
        {
            await Page.GetByTestId("new-group-search").FillAsync(username);
            await Page.Locator($"[data-testid='new-group-result'][data-username='{username}']").ClickAsync();
            await Expect(Page.Locator($"[data-testid='new-group-member'][data-username='{username}']")).ToBeVisibleAsync();
        }

        await Page.GetByTestId("new-group-create").ClickAsync();
        await Expect(Page.GetByTestId("composer")).ToBeVisibleAsync();
    }
}
