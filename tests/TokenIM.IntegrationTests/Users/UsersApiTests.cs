using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Users;

public sealed class UsersApiTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    [Fact]
    public async Task GetById_KnownUser_ReturnsPublicFieldsOnly()
    {
        var me = await factory.RegisterAsync();
        var other = await factory.RegisterAsync(displayName: "Other One");

        var response = await me.Client.GetAsync($"/api/v1/users/{other.Id}");

        Assert.Equal(new UserDto(other.Id, other.Username, "Other One"), await response.ReadAsync<UserDto>());
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetById_UnknownUser_Returns404()
    {
        var me = await factory.RegisterAsync();

        await (await me.Client.GetAsync("/api/v1/users/0000")).ReadProblemAsync(ErrorCode.UserNotFound);
    }

    [Fact]
    public async Task Search_ByPrefix_ReturnsMatchesInUsernameOrder()
    {
        var me = await factory.RegisterAsync();
        var prefix = factory.NextUsername("srch") + "x";
        foreach (var suffix in new[] { "c", "a", "b" })
            await factory.RegisterAsync(prefix + suffix);
        await factory.RegisterAsync(factory.NextUsername("other"));

        var list = await (await me.Client.GetAsync($"/api/v1/users?query={prefix.ToUpperInvariant()}")).ReadAsync<UserList>();
        var limited = await (await me.Client.GetAsync($"/api/v1/users?query={prefix}&limit=2")).ReadAsync<UserList>();

        Assert.Equal([prefix + "a", prefix + "b", prefix + "c"], list.Users.Select(u => u.Username));
        Assert.Equal([prefix + "a", prefix + "b"], limited.Users.Select(u => u.Username));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?query=")]
    [InlineData("?query=a%25")]
    [InlineData("?query=ab&limit=0")]
    [InlineData("?query=ab&limit=51")]
    public async Task Search_BadQueryOrLimit_Returns400(string query)
    {
        var me = await factory.RegisterAsync();

        await (await me.Client.GetAsync($"/api/v1/users{query}")).ReadProblemAsync(ErrorCode.ValidationFailed);
    }

    [Fact]
    public async Task UpdateMe_ChangesDisplayName_AndRefusesBadOnes()
    {
        var me = await factory.RegisterAsync();

        var updated = await (await me.Client.PatchJsonAsync("/api/v1/users/me", new UpdateProfileRequest("  New Name "))).ReadAsync<UserDto>();
        var empty = await me.Client.PatchJsonAsync("/api/v1/users/me", new UpdateProfileRequest("   "));

        Assert.Equal("New Name", updated.DisplayName);
        await empty.ReadProblemAsync(ErrorCode.ValidationFailed);
        Assert.Equal("New Name", (await (await me.Client.GetAsync("/api/v1/users/me")).ReadAsync<UserDto>()).DisplayName);
    }
}
