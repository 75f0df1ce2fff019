using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Chat;

namespace TokenIM.Server.Http;

/// <summary>Message search over the caller's conversations (docs/protocol.md, "Search").</summary>
internal static class SearchApi
{
    public static RouteGroupBuilder MapSearchApi(this RouteGroupBuilder api)
    {
        var search = api.MapGroup("/search").WithTags("Search").RequireAuthorization();
        search.MapGet("/messages", SearchMessagesAsync)
            .WithSummary("Messages containing a text, newest first, in the caller's conversations.")
            .WithDescription(
                "Substring match, Latin letters without regard to case; Chinese, Japanese and Korean words are found inside a "
                + "sentence. q: 1-100 characters after trimming; conversationId: only that conversation (404 when the caller is "
                + "not a member); limit 1-50 (default 20); cursor: the previous page's nextCursor, with the same q and "
                + "conversationId. Recalled messages and the caller's hidden ones are never found.")
            .Produces<SearchPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return search;
    }

    private static async Task<Results<Ok<SearchPage>, ProblemHttpResult>> SearchMessagesAsync(
        string? q, string? conversationId, int? limit, string? cursor, ClaimsPrincipal user, SearchService search, CancellationToken cancellationToken)
    {
        var result = await search.SearchAsync(user.GetUserId(), q, conversationId, limit, cursor, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }
}
