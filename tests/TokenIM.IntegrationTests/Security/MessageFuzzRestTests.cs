using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using TokenIM.IntegrationTests.Chat;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Security;

/// <summary>
/// Property-based fuzzing (CsCheck, fixed seed) of every REST route the OpenAPI document lists: mutated JSON bodies
/// (<see cref="JsonMutations"/>), hostile path and query values and wrong media types. No answer is a 5xx, every 4xx is
/// Problem Details with a catalogue code, nothing the documented rules refuse is accepted or found stored when read
/// back, and hostile but valid texts (SQL, HTML, script, templates) come back unchanged. A live probe between two other
/// users must keep working throughout. CI runs 20 cases per route; <c>TOKENIM_FULL_SIZES=1</c> runs 250.
/// </summary>
public sealed class MessageFuzzRestTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private const int WorldBatch = 10;
    private static readonly int s_casesPerRoute = FuzzRun.FullSizes ? 250 : 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record RouteInfo(string Key, string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryParameters, BodyRoute? Body);

    private sealed record RestCase(string What, bool MustRefuse, BodyMutation? Body = null, string? Parameter = null, string? Value = null, bool InQuery = false, string? MediaType = null, string? RawBody = null);

    private sealed class Tally
    {
        public int Cases, MustRefuse, ServerErrors, BadProblems, InvalidAccepted, InvalidStored, Resets, KestrelRefused;

        public List<string> Failures { get; } = [];
    }

    [Fact]
    public async Task EveryRoute_MutatedBodiesAndParameters_No5xxNoInvalidAcceptedProbeUndisturbed()
    {
        _ = factory.BaseUri;
        await using var probe = await LiveProbe.OpenAsync(factory);
        var routes = await RoutesAsync();
        var tally = new Tally();
        uint stream = 0;
        foreach (var route in routes)
        {
            FuzzWorld? world = null;
            var index = 0;
            foreach (var fuzz in FuzzRun.Cases(CasesOf(route), ++stream, s_casesPerRoute))
            {
                if (world is null || index % WorldBatch == 0 || RestFuzzRoutes.SpendsTheWorld.Contains(route.Key))
                {
                    if (world is not null)
                        await ReadBackAsync(world, tally);
                    world = await FuzzWorld.CreateAsync(factory);
                }

                await RunAsync(route, fuzz, world, tally, $"{route.Key} case {index++} (stream {stream})");
                if (++tally.Cases % 50 == 0)
                    await probe.RoundTripAsync();
            }

            await ReadBackAsync(world!, tally);
        }

        await probe.RoundTripAsync();
        Figures.Print($"message-fuzz-rest: seed={FuzzRun.Seed} cases={tally.Cases} must_refuse={tally.MustRefuse} routes={routes.Count} body_routes={routes.Count(r => r.Body is not null)} "
            + $"5xx={tally.ServerErrors} non_problem_4xx={tally.BadProblems} invalid_accepted={tally.InvalidAccepted} invalid_stored={tally.InvalidStored} "
            + $"resets={tally.Resets} kestrel_refused={tally.KestrelRefused} probe_failures={probe.Failed}");
        Assert.True(tally.Failures.Count == 0, $"seed {FuzzRun.Seed} (TOKENIM_FUZZ_SEED replays it):{Environment.NewLine}{string.Join(Environment.NewLine, tally.Failures.Take(30))}");
        Assert.Equal(0, probe.Failed);
    }

    [Fact]
    public async Task HostileTexts_SentAndRenamed_ReadBackUnchanged()
    {
        var world = await FuzzWorld.CreateAsync(factory);
        var (tried, mismatches) = (0, new List<string>());
        foreach (var text in FuzzRun.HostileTexts(stream: 1000, random: FuzzRun.FullSizes ? 500 : 60))
        {
            tried++;
            var sent = await world.Fuzzer.SendOkAsync(world.GroupId, text, world.Unique("hostile-"));
            var page = await world.Fuzzer.PageAsync(world.GroupId, $"?afterSeq={sent.Seq - 1}&limit=1");
            if (sent.Text != text || page.Messages.Single().Text != text)
                mismatches.Add($"message {JsonMutations.Short(text)} came back as {JsonMutations.Short(page.Messages.Single().Text)}");
            if (text != text.Trim())
                continue;
            if (FuzzValues.Name(100, required: true)(text) == true)
            {
                await (await world.Fuzzer.RenameAsync(world.GroupId, text)).ReadAsync<ConversationDto>();
                var title = (await world.Fuzzer.GetConversationAsync(world.GroupId)).Title;
                if (title != text)
                    mismatches.Add($"title {JsonMutations.Short(text)} came back as {JsonMutations.Short(title ?? "(none)")}");
            }

            if (FuzzValues.Name(64, required: true)(text) == true)
            {
                await (await world.Fuzzer.Client.PatchJsonAsync("/api/v1/users/me", new UpdateProfileRequest(text))).ReadAsync<UserDto>();
                var name = (await world.Fuzzer.GetOkAsync<UserDto>("/api/v1/users/me")).DisplayName;
                if (name != text)
                    mismatches.Add($"display name {JsonMutations.Short(text)} came back as {JsonMutations.Short(name)}");
            }
        }

        Figures.Print($"message-fuzz-rest-hostile: seed={FuzzRun.Seed} texts={tried} hostile_roundtrip_mismatch={mismatches.Count}");
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    private static Gen<RestCase> CasesOf(RouteInfo route)
    {
        // Values for a URL: cut to 4,000 characters, under Kestrel's 8 KiB request line; only dots would be a dot segment the client folds away.
        var urlValue = FuzzValues.String.Select(v => v.Length > 4000 ? v[..4000] : v).Select(v => v.Trim('.').Length == 0 ? $"x{v}x" : v);
        var options = new List<(int, IGen<RestCase>)>
        {
            (1, urlValue.Select(v => new RestCase($"?fuzz={JsonMutations.Short(v)}", false, Parameter: "fuzz", Value: v, InQuery: true))),
        };
        if (route.Body is { } body)
        {
            options.Add((8, JsonMutations.For(body.Fields).Select(m => new RestCase(m.What, m.MustRefuse, Body: m))));
            options.Add((1, Gen.OneOf("text/plain", "application/x-www-form-urlencoded", "application/xml", "").Select(t => new RestCase($"media type '{t}'", true, MediaType: t))));
        }

        if (RestFuzzRoutes.RawBodies.Contains(route.Key))
            options.Add((4, FuzzValues.String.Select(v => new RestCase($"raw body {JsonMutations.Short(v)}", false, RawBody: v))));

        foreach (var parameter in route.PathParameters)
            options.Add((2, urlValue.Select(v => new RestCase($"{parameter} = {JsonMutations.Short(v)}", true, Parameter: parameter, Value: v))));
        foreach (var parameter in route.QueryParameters)
        {
            var rule = RestFuzzRoutes.Query[$"{route.Key} {parameter}"];
            options.Add((2, Gen.Frequency((1, FuzzValues.Number), (2, urlValue))
                .Select(v => new RestCase($"?{parameter}={JsonMutations.Short(v)}", rule(v) == false, Parameter: parameter, Value: v, InQuery: true))));
        }

        return Gen.Frequency([.. options]);
    }

    private async Task RunAsync(RouteInfo route, RestCase fuzz, FuzzWorld world, Tally tally, string label)
    {
        var path = route.Template;
        foreach (var parameter in route.PathParameters)
        {
            var value = fuzz.Parameter == parameter && !fuzz.InQuery ? fuzz.Value! : RestFuzzRoutes.PathValue(route.Key, parameter, world);
            path = path.Replace($"{{{parameter}}}", FuzzRun.Encode(value), StringComparison.Ordinal);
        }

        var query = new List<string>();
        if (RestFuzzRoutes.BaseQuery.TryGetValue(route.Key, out var baseQuery) && !baseQuery.StartsWith($"{fuzz.Parameter}=", StringComparison.Ordinal))
            query.Add(baseQuery);
        if (fuzz.InQuery)
            query.Add($"{FuzzRun.Encode(fuzz.Parameter!)}={FuzzRun.Encode(fuzz.Value!)}");
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), query.Count == 0 ? path : $"{path}?{string.Join('&', query)}");
        var (json, mustRefuse) = (string.Empty, fuzz.MustRefuse);
        if (route.Body is { } body)
        {
            var valid = await body.Valid(world, factory);
            (json, mustRefuse) = fuzz.Body?.Apply(valid) ?? (BodyMutation.Object(valid), fuzz.MustRefuse);
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            if (fuzz.MediaType is not "")
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(fuzz.MediaType ?? "application/json");
        }

        else if (RestFuzzRoutes.RawBodies.Contains(route.Key))
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(fuzz.RawBody ?? "bytes"));
        }

        var what = $"{label}: {fuzz.What}";
        if (mustRefuse)
            tally.MustRefuse++;
        HttpResponseMessage response;
        try
        {
            // The server API takes the app's API key, never a user's token: its cases carry the key.
            if (route.Key.Contains(" /api/v1/server/", StringComparison.Ordinal))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", world.Server.ApiKey);
            response = await world.Client.SendAsync(request, Ct);
        }
        catch (HttpRequestException e)
        {
            // An over-long body the server refused before reading it all: the connection may end under the client's write.
            if (Encoding.UTF8.GetByteCount(json) > BodyMutation.MaxBytes)
                tally.Resets++;
            else
                tally.Failures.Add($"{what} → no answer: {e.Message} {e.InnerException?.Message} ({JsonMutations.Short(json)} to {request.RequestUri})");
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var answer = await response.Content.ReadAsStringAsync(Ct);
            if (status >= 500)
            {
                tally.ServerErrors++;
                tally.Failures.Add($"{what} → {status} {answer}");
            }
            else if (status is 400 or 414 && answer.Length == 0 && BreaksHttp(request.RequestUri!))
            {
                tally.KestrelRefused++;
            }
            else if (status >= 400 && FuzzRun.ProblemFault(status, response.Content.Headers.ContentType?.MediaType, answer) is { } fault)
            {
                tally.BadProblems++;
                tally.Failures.Add($"{what} → {fault}: {answer}");
            }

            if (mustRefuse && status is >= 200 and < 300)
            {
                tally.InvalidAccepted++;
                tally.Failures.Add($"{what} → accepted with {status}: {answer}");
            }
        }
    }

    /// <summary>
    /// A request Kestrel refuses before the app sees it, with a bare 400 or 414 the app cannot turn into Problem
    /// Details: a request line over Kestrel's 8 KiB, or a NUL in the path.
    /// </summary>
    private static bool BreaksHttp(Uri uri) =>
        uri.OriginalString.Length > 8000 || uri.OriginalString.Split('?')[0].Contains("%00", StringComparison.Ordinal);

    /// <summary>What the world's fuzzer can read back must obey the rules: its display name, its groups' titles, every stored message.</summary>
    private static async Task ReadBackAsync(FuzzWorld world, Tally tally)
    {
        void Bad(string what)
        {
            tally.InvalidStored++;
            tally.Failures.Add($"stored and read back: {what}");
        }

        using var me = await world.Client.GetAsync("/api/v1/users/me", Ct);
        if (me.StatusCode != HttpStatusCode.OK)
            return; // The case signed the fuzzer out: its other cases were checked as they ran.
        var user = await me.ReadAsync<UserDto>();
        if (FuzzValues.Name(64, required: true)(user.DisplayName) == false)
            Bad($"display name {JsonMutations.Short(user.DisplayName)}");
        var list = await (await world.Client.GetAsync("/api/v1/conversations", Ct)).ReadAsync<ConversationList>();
        foreach (var conversation in list.Conversations)
        {
            if (conversation.Type == ConversationTypes.Group && FuzzValues.Name(100, required: true)(conversation.Title ?? string.Empty) == false)
                Bad($"title {JsonMutations.Short(conversation.Title ?? "(none)")}");
            for (long after = 0; after < conversation.LastSeq;)
            {
                var page = await (await world.Client.GetAsync($"/api/v1/conversations/{conversation.Id}/messages?afterSeq={after}&limit=100", Ct)).ReadAsync<MessagePage>();
                foreach (var message in page.Messages)
                {
                    if (FuzzValues.Text(message.Text) != true || FuzzValues.ClientMsgId(message.ClientMsgId) != true)
                        Bad($"message {message.Seq} {JsonMutations.Short(message.ClientMsgId)} {JsonMutations.Short(message.Text)}");
                }

                after = page.Messages.Count == 0 ? conversation.LastSeq : page.Messages[^1].Seq;
            }
        }
    }

    /// <summary>The routes of the server's OpenAPI document with their parameters; fails on a body or query parameter without an entry in <see cref="RestFuzzRoutes"/>.</summary>
    private async Task<IReadOnlyList<RouteInfo>> RoutesAsync()
    {
        using var document = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var routes = new List<RouteInfo>();
        var missing = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "patch" or "delete"))
            {
                var key = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var parameters = operation.Value.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
                string[] Named(string place) => [.. parameters.Where(p => p.GetProperty("in").GetString() == place).Select(p => p.GetProperty("name").GetString()!)];
                var query = Named("query");
                missing.AddRange(query.Where(q => !RestFuzzRoutes.Query.ContainsKey($"{key} {q}")).Select(q => $"query parameter {q} of {key}"));
                BodyRoute? body = null;
                if (operation.Value.TryGetProperty("requestBody", out _) && !RestFuzzRoutes.Bodies.TryGetValue(key, out body) && !RestFuzzRoutes.RawBodies.Contains(key))
                    missing.Add($"body of {key}");
                routes.Add(new RouteInfo(key, operation.Name.ToUpperInvariant(), path.Name, Named("path"), query, body));
            }
        }

        Assert.True(missing.Count == 0, $"Inputs without a generator in RestFuzzRoutes: {string.Join(", ", missing)}");
        Assert.True(routes.Count(r => r.Body is not null) == RestFuzzRoutes.Bodies.Count, "RestFuzzRoutes.Bodies has an entry for a route the server no longer has.");
        return routes;
    }
}
