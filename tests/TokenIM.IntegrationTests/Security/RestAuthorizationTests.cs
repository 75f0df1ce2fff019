using System.Net.Http.Json;
using System.Text.Json;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// The authorization matrix over every REST route the server's own OpenAPI document lists (a route without a row in
/// <see cref="RestRouteTable"/> fails the test): a signed-in non-member gets no 2xx on the victims' conversations and
/// sessions and no response of any route holds a victim marker; without a token every route that needs one is 401.
/// The sizes are the issue's full sizes already (every route, both conversation kinds); the class runs in seconds.
/// </summary>
public sealed class RestAuthorizationTests(TokenImFactory factory) : IClassFixture<TokenImFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryRoute_NonMemberOrNonOwner_RefusedAndLeaksNothing()
    {
        var world = await VictimWorld.SeedAsync(factory, seed: 7);
        var routes = await RoutesFromOpenApiAsync();
        var (tried, allowed, leaked, ownScope) = (0, 0, 0, 0);
        var failures = new List<string>();

        foreach (var entry in routes)
        {
            // A fresh non-member account per route: logout and password change end its sessions, so no route depends on another.
            var attacker = await factory.RegisterAsync();
            foreach (var attempt in entry.Attempts(world, attacker))
            {
                tried++;
                var (status, body, sent) = await CallAsync(attacker.Client, attempt);
                if (status >= 500)
                    failures.Add($"{Describe(attempt)}: {status} {body}");
                if (world.LeaksIn(body, sent) is { Count: > 0 } leaks)
                {
                    leaked++;
                    failures.Add($"{Describe(attempt)}: leaked {string.Join(", ", leaks)} in {body}");
                }

                if (attempt.Refusal is not { } refusal)
                {
                    ownScope++;
                    continue;
                }

                if (status is >= 200 and < 300)
                    allowed++;
                if (status != refusal.Status || CodeOf(body) != refusal.Code)
                    failures.Add($"{Describe(attempt)}: expected {refusal.Status} {refusal.Code}, got {status} {body}");
            }
        }

        Figures.Print($"authz-rest: routes={routes.Count} tried={tried} allowed={allowed} leaked={leaked} own_scope={ownScope}");
        Assert.Empty(failures);
        Assert.Equal((0, 0), (allowed, leaked));
        await world.AssertUntouchedAsync();
    }

    [Fact]
    public async Task EveryRoute_WithoutToken_401WhereAuthRequired()
    {
        var world = await VictimWorld.SeedAsync(factory, seed: 7);
        var routes = await RoutesFromOpenApiAsync();
        var template = await factory.RegisterAsync();
        var anonymous = factory.CreateClient();
        var (refused, publicRoutes) = (0, 0);
        var failures = new List<string>();

        foreach (var entry in routes)
        {
            if (!entry.RequiresAuth)
                publicRoutes++;
            foreach (var attempt in entry.Attempts(world, template))
            {
                var (status, body, sent) = await CallAsync(anonymous, attempt);
                if (world.LeaksIn(body, sent) is { Count: > 0 } leaks)
                    failures.Add($"{Describe(attempt)}: leaked {string.Join(", ", leaks)} in {body}");
                if (!entry.RequiresAuth)
                {
                    // The public routes (sign-in, keys) answer anonymously by design; they must still not fault.
                    if (status >= 500)
                        failures.Add($"{Describe(attempt)}: {status} {body}");
                    continue;
                }

                if (status == ErrorCode.InvalidToken.Status && CodeOf(body) == ErrorCode.InvalidToken.Code)
                    refused++;
                else
                    failures.Add($"{Describe(attempt)} without a token: expected 401 invalid_token, got {status} {body}");
            }
        }

        Figures.Print($"authz-anonymous: routes={routes.Count - publicRoutes} refused={refused} public_routes={publicRoutes}");
        Assert.Empty(failures);
        await world.AssertUntouchedAsync();
    }

    /// <summary>
    /// The table's rows for the routes the OpenAPI document lists, in its order; fails on a route without a row (a new
    /// route must say how it is attacked) and on a row without a route (a stale row would hide a gap).
    /// </summary>
    private async Task<IReadOnlyList<RouteEntry>> RoutesFromOpenApiAsync()
    {
        using var document = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(op => op.Name is "get" or "put" or "post" or "patch" or "delete" or "head" or "options" or "trace")
                .Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();
        var table = RestRouteTable.Routes.ToDictionary(r => r.Route);

        Assert.True(documented.Count > 0, "The OpenAPI document lists no routes.");
        var uncovered = documented.Except(table.Keys).ToList();
        Assert.True(uncovered.Count == 0, $"Routes without a row in RestRouteTable: {string.Join(", ", uncovered)}");
        var stale = table.Keys.Except(documented).ToList();
        Assert.True(stale.Count == 0, $"Rows of RestRouteTable for routes the server no longer has: {string.Join(", ", stale)}");
        return [.. documented.Select(route => table[route])];
    }

    private static async Task<(int Status, string Body, string Sent)> CallAsync(HttpClient client, Attempt attempt)
    {
        using var request = new HttpRequestMessage(attempt.Method, attempt.Path);
        var sent = attempt.Path;
        if (attempt.Body is { } body)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Api.Json);
            sent += JsonSerializer.Serialize(body, body.GetType(), Api.Json);
        }

        using var response = await client.SendAsync(request, Ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct), sent);
    }

    /// <summary>The Problem Details <c>code</c>, or null when the body is not one.</summary>
    private static string? CodeOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(Attempt attempt) => $"{attempt.Method} {attempt.Path}";
}
