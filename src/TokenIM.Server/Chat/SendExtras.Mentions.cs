using System.Text;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Chat;

internal sealed partial class SendExtras
{
    /// <summary>At most this many different names are looked up per text: a text of 4,000 characters of "@a" must not become a query of 2,000 names.</summary>
    private const int MaxMentionNames = 50;

    /// <summary>The length of <see cref="MessageEntity.Mentions"/> in the schema.</summary>
    private const int MaxMentionsColumn = 2048;

    private const string AllToken = "all";

    /// <summary>
    /// The mentions column of the new message (see <see cref="MessageEntity.Mentions"/>); null when it mentions nobody.
    /// A text without '@' costs one scan; otherwise one read of the directory for all its names (members are known
    /// from the roster), plus one membership read only for <c>@all</c> (only a group's owner or admin may use it).
    /// </summary>
    private async Task<string?> ResolveMentionsAsync(string userId, string conversationId, string text, MemberRoster roster, CancellationToken cancellationToken)
    {
        if (!text.Contains('@', StringComparison.Ordinal))
            return null;
        var (names, wantsAll) = ParseMentions(text);
        var all = wantsAll
            && await _store.FindMembershipAsync(conversationId, userId, cancellationToken) is { ConversationType: ConversationTypes.Group } membership
            && GroupRules.CanManage(membership.Member.Role);
        var ids = new List<string>();
        if (names.Count > 0)
        {
            var lookup = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, trimmed) in names)
            {
                lookup.Add(name);
                if (trimmed is not null)
                    lookup.Add(trimmed);
            }

            var found = (await _usernames.FindIdsByUsernamesAsync(lookup, cancellationToken))
                .ToDictionary(u => u.Username, u => u.Id, StringComparer.Ordinal);
            foreach (var (name, trimmed) in names)
            {
                // "@bob." at the end of a sentence is bob, unless a user is called "bob." indeed.
                if ((found.GetValueOrDefault(name) ?? (trimmed is null ? null : found.GetValueOrDefault(trimmed))) is { } id
                    && roster.Contains(id) && !ids.Contains(id))
                    ids.Add(id);
            }
        }

        if (!all && ids.Count == 0)
            return null;
        var column = new StringBuilder(all ? MessageEntity.MentionAll : "");
        foreach (var id in ids)
        {
            if (column.Length + 1 + id.Length > MaxMentionsColumn)
                break;
            if (column.Length > 0)
                column.Append(' ');
            column.Append(id);
        }

        return column.ToString();
    }

    /// <summary>
    /// The names after '@' in order of first use (lower case; with the name cut of trailing '.', '_' or '-' beside it,
    /// when that differs), and whether <c>@all</c> was written. An '@' inside a word (an e-mail address) is not a mention.
    /// </summary>
    internal static (List<(string Name, string? Trimmed)> Names, bool All) ParseMentions(string text)
    {
        var names = new List<(string, string?)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = false;
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0; at = text.IndexOf('@', at + 1))
        {
            if (at > 0 && IsNameChar(text[at - 1]))
                continue;
            var end = at + 1;
            while (end < text.Length && IsNameChar(text[end]))
                end++;
            var length = end - at - 1;
            if (length is 0 or > 32)
                continue;
            var name = text.Substring(at + 1, length).ToLowerInvariant();
            var trimmed = name.TrimEnd('.', '_', '-');
            if (name == AllToken || trimmed == AllToken)
            {
                all = true;
                continue;
            }

            if (names.Count < MaxMentionNames && seen.Add(name))
                names.Add((name, trimmed.Length > 0 && trimmed != name ? trimmed : null));
        }

        return (names, all);
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
