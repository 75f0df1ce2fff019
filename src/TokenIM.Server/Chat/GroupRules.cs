using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

/// <summary>Who may do what in a group, and who inherits it: pure functions over the member list.</summary>
internal static class GroupRules
{
    /// <summary>Owners and admins add members and rename the group.</summary>
    public static bool CanManage(string role) => role is MemberRoles.Owner or MemberRoles.Admin;

    /// <summary>Anyone may leave; the owner may remove anyone; an admin may remove plain members only.</summary>
    public static bool CanRemove(string callerRole, string targetRole, bool isSelf) =>
        isSelf
        || callerRole == MemberRoles.Owner
        || (callerRole == MemberRoles.Admin && targetRole == MemberRoles.Member);

    /// <summary>
    /// The member who becomes owner when the owner leaves: the longest-standing admin, else the longest-standing
    /// member; null when nobody is left. <paramref name="remaining"/> is in joining order.
    /// </summary>
    public static MemberEntity? ChooseSuccessor(IEnumerable<MemberEntity> remaining)
    {
        MemberEntity? firstMember = null;
        foreach (var member in remaining)
        {
            if (member.Role == MemberRoles.Admin)
                return member;
            firstMember ??= member;
        }

        return firstMember;
    }
}
