using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Chat;

/// <summary>The group-details panel: members by role, adding and removing them live, leaving.</summary>
public sealed class GroupDetailsTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task GroupDetails_OwnerAddsAndRemovesMembers_EveryoneSeesItLive()
    {
        var (ownerName, bobName, carolName, daveName) =
            (Server.NextUsername("owner"), Server.NextUsername("bob"), Server.NextUsername("carol"), Server.NextUsername("dave"));
        var owner = new ChatApp(await NewUserPageAsync("owner"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        var carol = new ChatApp(await NewUserPageAsync("carol"));
        await owner.SignUpAsync(ownerName);
        await bob.SignUpAsync(bobName);
        await carol.SignUpAsync(carolName);
        await Server.RegisterAsync(daveName, ChatApp.Password);
        var title = Server.NextUsername("trip");
        var ownerPages = new GroupAndSessionPages(owner.Page);
        var bobPages = new GroupAndSessionPages(bob.Page);

        await ownerPages.CreateGroupAsync(title, bobName, carolName);
        await bob.Conversation(title).ClickAsync();
        await Expect(bobPages.MemberCount).ToHaveTextAsync("3 members");
        await Expect(carol.Conversation(title)).ToHaveCountAsync(1);

        await ownerPages.GroupDetailsButton.ClickAsync();
        var details = ownerPages.GroupDetails(title);
        await Expect(details).ToBeVisibleAsync();
        await Expect(ownerPages.Members).ToHaveCountAsync(3);
        await Expect(ownerPages.Member(ownerName)).ToContainTextAsync("Owner");
        await Expect(ownerPages.Member(bobName)).ToContainTextAsync("Member");

        // Add a fourth member by username search: the panel, the owner's header and Bob's header follow.
        await ownerPages.AddMemberSearch.FillAsync(daveName);
        await Expect(owner.SearchResults).ToBeVisibleAsync();
        await ownerPages.AddMemberResult(daveName).ClickAsync();
        await Expect(ownerPages.Member(daveName)).ToBeVisibleAsync();
        await Expect(ownerPages.Members).ToHaveCountAsync(4);
        await Expect(ownerPages.MemberCount).ToHaveTextAsync("4 members");
        await Expect(bobPages.MemberCount).ToHaveTextAsync("4 members");

        // Remove Carol: her list loses the group live; the others' counts drop.
        await ownerPages.RemoveMember(carolName).ClickAsync();
        await Expect(ownerPages.Member(carolName)).ToHaveCountAsync(0);
        await Expect(carol.Conversation(title)).ToHaveCountAsync(0);
        await Expect(bobPages.MemberCount).ToHaveTextAsync("3 members");
        await Expect(ownerPages.MemberCount).ToHaveTextAsync("3 members");

        // Escape closes the panel and gives the focus back to the button that opened it.
        await owner.Page.Keyboard.PressAsync("Escape");
        await Expect(details).ToBeHiddenAsync();
        await Expect(ownerPages.GroupDetailsButton).ToBeFocusedAsync();
    }

    [Fact]
    public async Task GroupDetails_OwnerMakesMemberAdminAndBack_MemberGainsAndLosesManagementLive()
    {
        var (ownerName, bobName) = (Server.NextUsername("owner"), Server.NextUsername("bob"));
        var owner = new ChatApp(await NewUserPageAsync("owner"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        await owner.SignUpAsync(ownerName);
        await bob.SignUpAsync(bobName);
        var title = Server.NextUsername("team");
        var ownerPages = new GroupAndSessionPages(owner.Page);
        var bobPages = new GroupAndSessionPages(bob.Page);
        await ownerPages.CreateGroupAsync(title, bobName);
        await bob.Conversation(title).ClickAsync();
        await bobPages.GroupDetailsButton.ClickAsync();
        await Expect(bobPages.Members).ToHaveCountAsync(2);
        // A plain member sees no role buttons and cannot add anyone.
        await Expect(bobPages.MakeAdmin(ownerName)).ToHaveCountAsync(0);
        await Expect(bobPages.AddMemberSearch).ToHaveCountAsync(0);
        await ownerPages.GroupDetailsButton.ClickAsync();

        await ownerPages.MakeAdmin(bobName).ClickAsync();

        await Expect(ownerPages.Member(bobName)).ToHaveAttributeAsync("data-role", "admin");
        await Expect(ownerPages.Member(bobName)).ToContainTextAsync("Admin");
        await Expect(ownerPages.RemoveAdmin(bobName)).ToBeVisibleAsync();
        // Bob's open panel follows: he is an admin now, so he may add members.
        await Expect(bobPages.Member(bobName)).ToHaveAttributeAsync("data-role", "admin");
        await Expect(bobPages.AddMemberSearch).ToBeVisibleAsync();

        await ownerPages.RemoveAdmin(bobName).ClickAsync();

        await Expect(ownerPages.Member(bobName)).ToHaveAttributeAsync("data-role", "member");
        await Expect(ownerPages.MakeAdmin(bobName)).ToBeVisibleAsync();
        await Expect(bobPages.AddMemberSearch).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task GroupDetails_MemberLeaves_GroupLeavesTheirListAndTheOwnerSeesIt()
    {
        var (ownerName, bobName) = (Server.NextUsername("owner"), Server.NextUsername("bob"));
        var owner = new ChatApp(await NewUserPageAsync("owner"));
        var bob = new ChatApp(await NewUserPageAsync("bob"));
        await owner.SignUpAsync(ownerName);
        await bob.SignUpAsync(bobName);
        var title = Server.NextUsername("club");
        var ownerPages = new GroupAndSessionPages(owner.Page);
        var bobPages = new GroupAndSessionPages(bob.Page);
        await ownerPages.CreateGroupAsync(title, bobName);

        await bob.Conversation(title).ClickAsync();
        await bobPages.GroupDetailsButton.ClickAsync();
        await Expect(bobPages.GroupDetails(title)).ToBeVisibleAsync();
        await Expect(bobPages.Members).ToHaveCountAsync(2);
        // A plain member may neither add nor remove anyone.
        await Expect(bobPages.AddMemberSearch).ToHaveCountAsync(0);
        await Expect(bobPages.RemoveMember(ownerName)).ToHaveCountAsync(0);

        await bobPages.LeaveGroup.ClickAsync();
        var confirm = bob.Page.GetByRole(AriaRole.Dialog, new() { Name = $"Leave “{title}”?" });
        await Expect(confirm).ToBeVisibleAsync();
        await bobPages.ConfirmLeave.ClickAsync();

        await Expect(bob.Conversation(title)).ToHaveCountAsync(0);
        await Expect(bob.Page.GetByTestId("gone-notice")).ToContainTextAsync(title);
        await Expect(ownerPages.MemberCount).ToHaveTextAsync("1 member");
    }
}
