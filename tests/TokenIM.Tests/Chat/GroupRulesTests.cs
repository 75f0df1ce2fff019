using TokenIM.Protocol.Rest;
using TokenIM.Server.Chat;
using TokenIM.Server.Storage;

namespace TokenIM.Tests.Chat;

public sealed class GroupRulesTests
{
    [Theory]
    [InlineData(MemberRoles.Owner, MemberRoles.Admin, false, true)]
    [InlineData(MemberRoles.Owner, MemberRoles.Member, false, true)]
    [InlineData(MemberRoles.Admin, MemberRoles.Member, false, true)]
    [InlineData(MemberRoles.Admin, MemberRoles.Admin, false, false)]
    [InlineData(MemberRoles.Admin, MemberRoles.Owner, false, false)]
    [InlineData(MemberRoles.Member, MemberRoles.Member, false, false)]
    [InlineData(MemberRoles.Member, MemberRoles.Member, true, true)]
    [InlineData(MemberRoles.Owner, MemberRoles.Owner, true, true)]
    public void CanRemove_ByRole_FollowsTheHierarchy(string callerRole, string targetRole, bool isSelf, bool allowed) =>
        Assert.Equal(allowed, GroupRules.CanRemove(callerRole, targetRole, isSelf));

    [Fact]
    public void ChooseSuccessor_WithAdmins_TakesTheFirstAdminInJoiningOrder()
    {
        MemberEntity[] remaining = [Member("m1", MemberRoles.Member), Member("a1", MemberRoles.Admin), Member("a2", MemberRoles.Admin)];

        Assert.Equal("a1", GroupRules.ChooseSuccessor(remaining)!.UserId);
    }

    [Fact]
    public void ChooseSuccessor_WithoutAdmins_TakesTheFirstMember()
    {
        MemberEntity[] remaining = [Member("m1", MemberRoles.Member), Member("m2", MemberRoles.Member)];

        Assert.Equal("m1", GroupRules.ChooseSuccessor(remaining)!.UserId);
    }

    [Fact]
    public void ChooseSuccessor_NobodyLeft_IsNull() => Assert.Null(GroupRules.ChooseSuccessor([]));

    private static MemberEntity Member(string userId, string role) => new() { ConversationId = "c", UserId = userId, Role = role };
}
