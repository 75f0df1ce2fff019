using System.Diagnostics;
using System.Net;
using System.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Delivery;
using TokenIM.Server.Hosting;

namespace TokenIM.Server.Http;

/// <summary>
/// Process figures for the benchmark tool: memory (optionally after a full compacting collection), CPU time, GC
/// counts and sockets. Off by default; when on, only loopback callers get an answer, everyone else a 404 as if the
/// route did not exist, because forcing collections is a denial-of-service lever.
/// </summary>
internal static class DiagnosticsApi
{
    public static void MapDiagnosticsApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/diagnostics", Results<Ok<DiagnosticsDto>, NotFound> (
            bool? collect, HttpContext context, IOptions<TokenImOptions> options, ConnectionRegistry registry) =>
        {
            var remote = context.Connection.RemoteIpAddress;
            if (!options.Value.Diagnostics.Enabled || remote is null || !IPAddress.IsLoopback(remote))
                return TypedResults.NotFound();
            if (collect == true)
            {
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            }

            using var process = Process.GetCurrentProcess();
            return TypedResults.Ok(new DiagnosticsDto(
                GC.GetTotalMemory(forceFullCollection: false),
                process.WorkingSet64,
                process.PrivateMemorySize64,
                process.TotalProcessorTime.TotalMilliseconds,
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                registry.Count,
                registry.UserCount));
        })
        .WithTags("Diagnostics")
        .WithSummary("Process memory, CPU time, GC and socket counts, for benchmarks (loopback only; off unless TokenIM:Diagnostics:Enabled).");
}
