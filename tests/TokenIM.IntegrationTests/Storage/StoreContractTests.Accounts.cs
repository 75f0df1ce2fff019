using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.IntegrationTests.Storage;

/// <summary>The contract of the account store: users, sessions, refresh tokens.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task TryCreateUserAsync_NewUser_IsFoundWithItsFirstSessionAndToken()
    {
        var id = ChatRules.NewId();
        var username = "n" + id[^12..];
        var (session, token) = NewSession(id, createdAt: 1_000);

        Assert.True(await Accounts.TryCreateUserAsync(NewUser(id, username), session, token, Ct));

        Assert.Equal(username, (await Accounts.FindUserAsync(id, Ct))?.Username);
        Assert.Equal(id, (await Accounts.FindUserByUsernameAsync(username, Ct))?.Id);
        Assert.Equal(id, (await Accounts.FindSessionAsync(session.Id, Ct))?.UserId);
        var found = await Accounts.FindRefreshTokenAsync(token.Hash, Ct);
        Assert.Equal((session.Id, session.Id), (found?.Token.SessionId, found?.Session.Id));
        Assert.Null(await Accounts.FindRefreshTokenAsync(new byte[32], Ct));
        Assert.Null(await Accounts.FindUserByUsernameAsync(username + "x", Ct));
    }

    [Fact]
    public async Task TryCreateUserAsync_UsernameTaken_ReturnsFalseAndWritesNothing()
    {
        var username = "t" + ChatRules.NewId()[^12..];
        await NewUserAsync(username);
        var id = ChatRules.NewId();
        var (session, token) = NewSession(id, createdAt: 1_000);

        Assert.False(await Accounts.TryCreateUserAsync(NewUser(id, username), session, token, Ct));

        Assert.Null(await Accounts.FindUserAsync(id, Ct));
        Assert.Null(await Accounts.FindSessionAsync(session.Id, Ct));
        Assert.Null(await Accounts.FindRefreshTokenAsync(token.Hash, Ct));
    }

    [Fact]
    public async Task TryCreateUserAsync_SameUsernameConcurrently_ExactlyOneCreates()
    {
        var username = "r" + ChatRules.NewId()[^12..];

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
        {
            var id = ChatRules.NewId();
            var (session, token) = NewSession(id, createdAt: 1_000);
            return Accounts.TryCreateUserAsync(NewUser(id, username), session, token, Ct);
        }));

        Assert.Single(results, created => created);
    }

    [Fact]
    public async Task FindUsersAsync_SomeUnknown_ReturnsTheKnownOnes()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());

        var found = await Accounts.FindUsersAsync([a, ChatRules.NewId(), b], Ct);

        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), found.Select(u => u.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SearchUsersAsync_Prefix_ReturnsThatRangeByUsername()
    {
        var stem = "s" + ChatRules.NewId()[^10..];
        var prefix = stem + "m";
        string[] inside = [prefix, prefix + "a", prefix + "-b", prefix + ".c", prefix + "_d", prefix + "z9", prefix + "0"];
        foreach (var username in inside.Append(stem + "l").Append(stem + "n").Append(stem))
            await NewUserAsync(username);

        var all = await Accounts.SearchUsersAsync(prefix, 100, Ct);
        var firstThree = await Accounts.SearchUsersAsync(prefix, 3, Ct);

        var expected = inside.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, all.Select(u => u.Username));
        Assert.Equal(expected.Take(3), firstThree.Select(u => u.Username));
    }

    [Fact]
    public async Task UpdateUserAsync_NullFields_AreLeftAsTheyWere()
    {
        var id = await NewUserAsync();

        await Accounts.UpdateUserAsync(id, passwordHash: "new hash", displayName: null, Ct);
        var afterHash = await Accounts.FindUserAsync(id, Ct);
        await Accounts.UpdateUserAsync(id, passwordHash: null, displayName: "New Name", Ct);
        var afterName = await Accounts.FindUserAsync(id, Ct);

        Assert.Equal(("new hash", afterHash!.Username), (afterHash.PasswordHash, afterHash.DisplayName));
        Assert.Equal(("new hash", "New Name"), (afterName?.PasswordHash, afterName?.DisplayName));
    }

    [Fact]
    public async Task TryUpdateSessionAsync_ExpectedVersion_SavesSpendsAndAddsTogether()
    {
        var user = await NewUserAsync();
        var (session, first) = NewSession(user, createdAt: 2_000);
        await Accounts.CreateSessionAsync(session, first, Ct);
        var next = Token(session.Id, generation: 1);
        first.SpentAt = 3_000;

        var updated = await Accounts.TryUpdateSessionAsync(Rotated(session, version: 1), expectedVersion: 0, first, next, Ct);

        Assert.True(updated);
        var stored = await Accounts.FindSessionAsync(session.Id, Ct);
        Assert.Equal((1, 1, 0, 3_000L), (stored?.Version, stored?.Generation, stored?.ParentGeneration, stored?.LastUsedAt));
        Assert.Equal(3_000, (await Accounts.FindRefreshTokenAsync(first.Hash, Ct))?.Token.SpentAt);
        Assert.Equal(1, (await Accounts.FindRefreshTokenAsync(next.Hash, Ct))?.Token.Generation);
    }

    [Fact]
    public async Task TryUpdateSessionAsync_StaleVersion_ReturnsFalseAndWritesNothing()
    {
        var user = await NewUserAsync();
        var (session, first) = NewSession(user, createdAt: 2_000);
        await Accounts.CreateSessionAsync(session, first, Ct);
        await Accounts.MarkGenerationUsedAsync(session.Id, generation: 0, Ct); // version 0 → 1
        var next = Token(session.Id, generation: 1);
        first.SpentAt = 3_000;

        var updated = await Accounts.TryUpdateSessionAsync(Rotated(session, version: 1), expectedVersion: 0, first, next, Ct);

        Assert.False(updated);
        var stored = await Accounts.FindSessionAsync(session.Id, Ct);
        Assert.Equal((1, 0, true), (stored?.Version, stored?.Generation, stored?.CurrentUsed));
        Assert.Null((await Accounts.FindRefreshTokenAsync(first.Hash, Ct))?.Token.SpentAt);
        Assert.Null(await Accounts.FindRefreshTokenAsync(next.Hash, Ct));
    }

    [Fact]
    public async Task TryUpdateSessionAsync_OneVersionConcurrently_ExactlyOneWins()
    {
        var user = await NewUserAsync();
        var (session, first) = NewSession(user, createdAt: 2_000);
        await Accounts.CreateSessionAsync(session, first, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Accounts.TryUpdateSessionAsync(Rotated(session, version: 1), expectedVersion: 0, null, Token(session.Id, generation: 1), Ct)));

        Assert.Single(results, won => won);
        Assert.Equal(1, (await Accounts.FindSessionAsync(session.Id, Ct))?.Version);
    }

    [Fact]
    public async Task MarkGenerationUsedAsync_OnlyTheCurrentGeneration_IsMarked()
    {
        var user = await NewUserAsync();
        var (session, first) = NewSession(user, createdAt: 2_000);
        await Accounts.CreateSessionAsync(session, first, Ct);

        await Accounts.MarkGenerationUsedAsync(session.Id, generation: 7, Ct);
        var untouched = await Accounts.FindSessionAsync(session.Id, Ct);
        await Accounts.MarkGenerationUsedAsync(session.Id, generation: 0, Ct);
        await Accounts.MarkGenerationUsedAsync(session.Id, generation: 0, Ct);
        var marked = await Accounts.FindSessionAsync(session.Id, Ct);

        Assert.Equal((false, 0), (untouched?.CurrentUsed, untouched?.Version));
        Assert.Equal((true, 1), (marked?.CurrentUsed, marked?.Version));
    }

    [Fact]
    public async Task ListActiveSessionsAsync_RevokedAndExpired_AreLeftOutNewestFirst()
    {
        var user = await NewUserAsync(); // its registration session was made at 1,000
        var older = await NewSessionAsync(user, createdAt: 2_000);
        var newer = await NewSessionAsync(user, createdAt: 3_000);
        var revoked = await NewSessionAsync(user, createdAt: 4_000);
        await NewSessionAsync(user, createdAt: 5_000, expiresAt: 9_000);
        Assert.True(await Accounts.RevokeSessionAsync(user, revoked, now: 6_000, Ct));

        var active = await Accounts.ListActiveSessionsAsync(user, now: 10_000, Ct);

        Assert.Equal([newer, older], active.Take(2).Select(s => s.Id));
        Assert.Equal([3_000L, 2_000L, 1_000L], active.Select(s => s.CreatedAt));
    }

    [Fact]
    public async Task RevokeSessionAsync_OwnThenAgainOrSomeoneElses_OnlyTheFirstRevokes()
    {
        var (owner, other) = (await NewUserAsync(), await NewUserAsync());
        var session = await NewSessionAsync(owner, createdAt: 2_000);

        var byOther = await Accounts.RevokeSessionAsync(other, session, now: 3_000, Ct);
        var byOwner = await Accounts.RevokeSessionAsync(owner, session, now: 4_000, Ct);
        var again = await Accounts.RevokeSessionAsync(owner, session, now: 5_000, Ct);

        Assert.Equal((false, true, false), (byOther, byOwner, again));
        var stored = await Accounts.FindSessionAsync(session, Ct);
        Assert.Equal((4_000L, 1), (stored?.RevokedAt, stored?.Version));
    }

    [Fact]
    public async Task RevokeAllSessionsAsync_ExceptOne_RevokesTheRestAndReturnsTheirIds()
    {
        var user = await NewUserAsync();
        var sessions = new[] { await NewSessionAsync(user, 2_000), await NewSessionAsync(user, 3_000), await NewSessionAsync(user, 4_000) };
        Assert.True(await Accounts.RevokeSessionAsync(user, sessions[1], now: 5_000, Ct));
        var registration = (await Accounts.ListActiveSessionsAsync(user, now: 5_000, Ct)).Single(s => s.CreatedAt == 1_000).Id;

        var revoked = await Accounts.RevokeAllSessionsAsync(user, exceptSessionId: sessions[2], now: 6_000, Ct);

        Assert.Equal(new[] { registration, sessions[0] }.Order(StringComparer.Ordinal), revoked.Order(StringComparer.Ordinal));
        Assert.Equal([sessions[2]], (await Accounts.ListActiveSessionsAsync(user, now: 7_000, Ct)).Select(s => s.Id));
        Assert.Equal(5_000, (await Accounts.FindSessionAsync(sessions[1], Ct))?.RevokedAt);
    }

    private async Task<string> NewSessionAsync(string userId, long createdAt, long expiresAt = long.MaxValue / 2)
    {
        var (session, token) = NewSession(userId, createdAt, expiresAt);
        await Accounts.CreateSessionAsync(session, token, Ct);
        return session.Id;
    }

    /// <summary>The session after a refresh: the next generation, used at 3,000, at <paramref name="version"/>.</summary>
    private static SessionEntity Rotated(SessionEntity session, int version) => new()
    {
        Id = session.Id,
        UserId = session.UserId,
        DeviceName = session.DeviceName,
        CreatedAt = session.CreatedAt,
        ExpiresAt = session.ExpiresAt,
        LastUsedAt = 3_000,
        Generation = session.Generation + 1,
        ParentGeneration = session.Generation,
        Version = version,
    };
}
