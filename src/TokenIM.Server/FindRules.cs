namespace TokenIM.Server;

/// <summary>The query and page size of the server API's find routes (users, conversations): one set of rules for each.</summary>
internal static class FindRules
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    public const int MaxQueryLength = 128;

    /// <summary>Returns the query trimmed, and adds to <paramref name="errors"/> what is wrong with it or with <paramref name="limit"/>.</summary>
    public static string? Check(string? query, int? limit, Dictionary<string, string[]> errors)
    {
        query = query?.Trim();
        if (query is { Length: > MaxQueryLength } || (query is not null && TextRules.HasControlCharacters(query, allowNewlines: false)))
            errors["query"] = [$"A query is at most {MaxQueryLength} characters, without control characters."];
        if (limit is < 1 or > MaxLimit)
            errors["limit"] = [$"The limit is 1–{MaxLimit}."];
        return query;
    }
}
