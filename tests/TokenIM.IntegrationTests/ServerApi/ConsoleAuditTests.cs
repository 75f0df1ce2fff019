using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Auth;

namespace TokenIM.IntegrationTests.ServerApi;

/// <summary>The audit trail of the admin console: every change an admin makes is logged with who and what, never a body.</summary>
public sealed class ConsoleAuditTests : IAsyncLifetime
{
    private readonly AuditedFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task AdminChanges_EachLoggedWithAdminRouteAndIds_ReadsAndBodiesNot()
    {
        var admin = await _factory.RegisterAsync();
        var target = await _factory.RegisterAsync();
        using var server = await _factory.ServerClientAsync(ServerScopes.UsersWrite);
        await server.SetAdminAsync(admin.Id, true);

        await admin.Client.GetAsync($"{ServerApiHelpers.Base}/users/{target.Id}");
        await admin.Client.PatchJsonAsync($"{ServerApiHelpers.Base}/users/{target.Id}", new ServerUpdateUserRequest("Very Private Name"));
        await admin.Client.PostAsync($"{ServerApiHelpers.Base}/users/{target.Id}/disable", null);

        var audit = _factory.Logs.Where(l => l.EventId == 1471).Select(l => l.Message).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Contains($"Admin {admin.Id} called PATCH /api/v1/server/users/{{id}} (id={target.Id}): 200", audit);
        Assert.Contains($"Admin {admin.Id} called POST /api/v1/server/users/{{id}}/disable (id={target.Id}): 200", audit);
        Assert.DoesNotContain(_factory.Logs, l => l.Message.Contains("Very Private Name", StringComparison.Ordinal));
    }

    private sealed class AuditedFactory : TokenImFactory
    {
        public ConcurrentQueue<(int EventId, string Message)> Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            Settings["Logging:LogLevel:TokenIM.Server.Http.ConsoleAudit"] = "Information";
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(new CaptureProvider(Logs)));
        }

        private sealed class CaptureProvider(ConcurrentQueue<(int, string)> logs) : ILoggerProvider
        {
            public ILogger CreateLogger(string categoryName) => new Capture(logs);

            public void Dispose()
            {
            }
        }

        private sealed class Capture(ConcurrentQueue<(int, string)> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue((eventId.Id, formatter(state, exception)));
        }
    }
}
