using TokenIM.Server.Chat;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of what external issuers' tokens need stored: the per-user "tokens valid after" mark.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task SetTokensValidAfterAsync_LaterThenEarlier_KeepsTheLaterFalseForNoUser()
    {
        var user = NewServerUser("ext-" + ChatRules.NewId());
        Assert.True(await Accounts.TryAddUserAsync(user, Ct));
        Assert.Null((await Accounts.FindUserAsync(user.Id, Ct))!.TokensValidAfter);

        Assert.True(await Accounts.SetTokensValidAfterAsync(user.Id, 2_000, Ct));
        Assert.True(await Accounts.SetTokensValidAfterAsync(user.Id, 1_500, Ct));

        Assert.Equal(2_000, (await Accounts.FindUserByExternalIdAsync(user.ExternalId!, Ct))!.TokensValidAfter);
        Assert.False(await Accounts.SetTokensValidAfterAsync(ChatRules.NewId(), 2_000, Ct));
    }
}
