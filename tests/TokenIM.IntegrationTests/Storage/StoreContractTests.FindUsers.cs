using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of <see cref="IAccountStore.FindUsersPageAsync"/>: the operator's search, paged by username.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task FindUsersPageAsync_PrefixDisplayNameOrExternalId_MatchesPagedByUsername()
    {
        var prefix = "f" + ChatRules.NewId()[^10..];
        var marker = "Zq" + ChatRules.NewId()[^8..];
        static UserEntity User(string username, string displayName, string? externalId = null) =>
            new() { Id = ChatRules.NewId(), Username = username, DisplayName = displayName, PasswordHash = string.Empty, ExternalId = externalId, CreatedAt = 1_000 };

        var (c, a, b) = (User(prefix + ".c", "Carol"), User(prefix + ".a", $"Ann {marker} Smith"), User(prefix + ".b", "Bob", externalId: "ext-" + marker));
        // Matched by display name only (ignoring case), and sorted after the others by username.
        var stranger = User("o" + prefix, $"x{marker.ToUpperInvariant()}x");
        foreach (var user in new[] { c, a, b, stranger })
            Assert.True(await Accounts.TryAddUserAsync(user, Ct));

        var byPrefix = await Accounts.FindUsersPageAsync(prefix, null, 10, Ct);
        var firstPage = await Accounts.FindUsersPageAsync(prefix.ToUpperInvariant(), null, 2, Ct);
        var secondPage = await Accounts.FindUsersPageAsync(prefix, firstPage[^1].Username, 2, Ct);
        var byDisplayName = await Accounts.FindUsersPageAsync(marker.ToLowerInvariant(), null, 10, Ct);
        var byExternalId = await Accounts.FindUsersPageAsync("ext-" + marker, null, 10, Ct);
        var everyone = await Accounts.FindUsersPageAsync(null, null, 100_000, Ct);

        Assert.Equal([a.Id, b.Id, c.Id], byPrefix.Select(u => u.Id));
        Assert.Equal([a.Id, b.Id], firstPage.Select(u => u.Id));
        Assert.Equal([c.Id], secondPage.Select(u => u.Id));
        Assert.Equal([a.Id, stranger.Id], byDisplayName.Select(u => u.Id));
        Assert.Equal([b.Id], byExternalId.Select(u => u.Id));
        Assert.Superset(new HashSet<string> { a.Id, b.Id, c.Id, stranger.Id }, everyone.Select(u => u.Id).ToHashSet());
        Assert.Equal(everyone.Select(u => u.Username).Order(StringComparer.Ordinal), everyone.Select(u => u.Username));
    }
}
