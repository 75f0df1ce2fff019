using Microsoft.AspNetCore.Http.HttpResults;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;
using TokenIM.Server.Stats;

namespace TokenIM.Server.Http;

internal static class ServerStatsApi
{
    public static void MapServerStatsApi(this RouteGroupBuilder server) =>
        server.MapGet("/stats", GetAsync).RequireScope(ServerScopes.StatsRead)
            .WithTags("Server API: statistics")
            .WithSummary("Live figures of every node of the cluster and their totals: sockets, users connected, messages and frames per second over about 10 s, group-commit batches and store latency, GC heap, thread pool.");

    private static async Task<Ok<ServerStatsDto>> GetAsync(ClusterStats stats) => TypedResults.Ok(await stats.GetAsync());
}
