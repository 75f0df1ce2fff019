using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of what the server API stores: external ids, the disabled flag, API keys.</summary>
public abstract partial class StoreContractTests
{
    private IApiKeyStore ApiKeys => fixture.ApiKeys;

    private static UserEntity NewServerUser(string? externalId)
    {
        var id = ChatRules.NewId();
        return new() { Id = id, Username = "s" + id[^12..], DisplayName = "s", PasswordHash = string.Empty, ExternalId = externalId, CreatedAt = 1_000 };
    }

    [Fact]
    public async Task TryAddUserAsync_ExternalIdTaken_ReturnsFalse_ManyUsersWithoutOne()
    {
        var externalId = "ext-" + ChatRules.NewId();
        var first = NewServerUser(externalId);

        Assert.True(await Accounts.TryAddUserAsync(first, Ct));
        Assert.False(await Accounts.TryAddUserAsync(NewServerUser(externalId), Ct));
        Assert.True(await Accounts.TryAddUserAsync(NewServerUser(null), Ct));
        Assert.True(await Accounts.TryAddUserAsync(NewServerUser(null), Ct));
        Assert.Equal(first.Id, (await Accounts.FindUserByExternalIdAsync(externalId, Ct))?.Id);
    }

    [Fact]
    public async Task TrySetExternalIdAsync_AnotherUsersId_ReturnsFalse_NullClears()
    {
        var taken = "ext-" + ChatRules.NewId();
        Assert.True(await Accounts.TryAddUserAsync(NewServerUser(taken), Ct));
        var user = NewServerUser("ext-" + ChatRules.NewId());
        Assert.True(await Accounts.TryAddUserAsync(user, Ct));

        Assert.False(await Accounts.TrySetExternalIdAsync(user.Id, taken, Ct));
        Assert.True(await Accounts.TrySetExternalIdAsync(user.Id, null, Ct));

        Assert.Null((await Accounts.FindUserAsync(user.Id, Ct))?.ExternalId);
    }

    [Fact]
    public async Task SetDisabledAsync_Twice_KeepsTheFirstTime_NullEnables_UnknownFalse()
    {
        var user = NewServerUser(null);
        Assert.True(await Accounts.TryAddUserAsync(user, Ct));

        Assert.True(await Accounts.SetDisabledAsync(user.Id, 5_000, Ct));
        Assert.True(await Accounts.SetDisabledAsync(user.Id, 9_000, Ct));
        Assert.Equal(5_000, (await Accounts.FindUserAsync(user.Id, Ct))?.DisabledAt);
        Assert.True(await Accounts.SetDisabledAsync(user.Id, null, Ct));
        Assert.Null((await Accounts.FindUserAsync(user.Id, Ct))?.DisabledAt);
        Assert.False(await Accounts.SetDisabledAsync("no-such-user", 1, Ct));
    }

    [Fact]
    public async Task ApiKeys_TouchAtMostOncePerInterval_RevokeKeepsTheRow()
    {
        var key = new ApiKeyEntity { Id = ChatRules.NewId(), Name = "k", Scopes = "users:read", SecretHash = new byte[32], CreatedAt = 1_000 };
        await ApiKeys.AddAsync(key, Ct);

        await ApiKeys.TouchAsync(key.Id, 10_000, 60_000, Ct);
        await ApiKeys.TouchAsync(key.Id, 69_999, 60_000, Ct);
        Assert.Equal(10_000, (await ApiKeys.FindAsync(key.Id, Ct))?.LastUsedAt);
        await ApiKeys.TouchAsync(key.Id, 70_000, 60_000, Ct);
        Assert.Equal(70_000, (await ApiKeys.FindAsync(key.Id, Ct))?.LastUsedAt);

        Assert.True(await ApiKeys.RevokeAsync(key.Id, 80_000, Ct));
        Assert.True(await ApiKeys.RevokeAsync(key.Id, 90_000, Ct));
        Assert.Equal(80_000, (await ApiKeys.FindAsync(key.Id, Ct))?.RevokedAt);
        Assert.False(await ApiKeys.RevokeAsync("no-such-key", 1, Ct));
        Assert.Contains(await ApiKeys.ListAsync(Ct), k => k.Id == key.Id);
    }
}
