using TokenIM.Client;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary><c>GET /server/users?query=…</c>: by username prefix, display name or external id, paged by username.</summary>
public sealed class ServerFindUsersTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static async Task<ServerUserDto> CreateAsync(TokenImServerClient server, string username, string displayName, string? externalId = null) =>
        await server.CreateUserAsync(new ServerCreateUserRequest(username, displayName, externalId));

    [Fact]
    public async Task FindUsers_ByUsernamePrefixDisplayNameOrExternalId_EachMatchesDisabledMarked()
    {
        using var server = await factory.ServerClientAsync(ServerScopes.UsersRead, ServerScopes.UsersWrite);
        var grace = await CreateAsync(server, "hopper.grace", "Grace Hopper");
        var ada = await CreateAsync(server, "lovelace", "Ada Byron-King", "crm-4711");
        await CreateAsync(server, "turing", "Alan Turing");
        await server.DisableUserAsync(ada.Id);

        Assert.Equal([grace.Id], (await server.FindUsersAsync("Hopper.")).Users.Select(u => u.Id));
        Assert.Equal([ada.Id], (await server.FindUsersAsync("byron")).Users.Select(u => u.Id));
        var byExternalId = Assert.Single((await server.FindUsersAsync("crm-4711")).Users);
        Assert.Equal(ada.Id, byExternalId.Id);
        Assert.True(byExternalId.Disabled);
        Assert.Empty((await server.FindUsersAsync("crm-47")).Users);
    }

    [Fact]
    public async Task FindUsers_PagedByTwo_EveryMatchOnceInUsernameOrder()
    {
        using var server = await factory.ServerClientAsync(ServerScopes.UsersRead, ServerScopes.UsersWrite);
        string[] names = ["page.e", "page.a", "page.d", "page.b", "page.c"];
        foreach (var name in names)
            await CreateAsync(server, name, "Paged");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await server.FindUsersAsync("page.", 2, cursor);
            seen.AddRange(page.Users.Select(u => u.Username));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task FindUsers_NoQuery_EveryUser()
    {
        using var server = await factory.ServerClientAsync(ServerScopes.UsersRead, ServerScopes.UsersWrite);
        var user = await CreateAsync(server, "zz.everyone", "Everyone");

        var all = await server.FindUsersAsync(limit: 100);

        Assert.Contains(user.Id, all.Users.Select(u => u.Id));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("cursor=%21%21")]
    [InlineData("cursor=AAAA")]
    public async Task FindUsers_BadLimitOrCursor_Is400(string query)
    {
        var client = factory.ClientWith(await factory.CreateKeyAsync(ServerScopes.UsersRead));

        var response = await client.GetAsync($"{ServerApiHelpers.Base}/users?{query}", TestContext.Current.CancellationToken);

        await response.ReadProblemAsync(ErrorCode.ValidationFailed);
    }
}
