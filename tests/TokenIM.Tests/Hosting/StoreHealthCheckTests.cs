using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Tests.Hosting;

public sealed class StoreHealthCheckTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "tokenim-unit", Guid.NewGuid().ToString("N"));

    private static StoreHealthCheck CheckOf(string connectionString) =>
        new(() => new SqliteTokenImDbContext(new DbContextOptionsBuilder<SqliteTokenImDbContext>().UseSqlite(connectionString).Options));

    [Fact]
    public async Task CheckHealthAsync_DatabaseAnswers_Healthy()
    {
        Directory.CreateDirectory(_data);
        var path = Path.Combine(_data, "store.db");
        await using (var db = new SqliteTokenImDbContext(new DbContextOptionsBuilder<SqliteTokenImDbContext>().UseSqlite($"Data Source={path}").Options))
            await db.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);

        var result = await CheckOf($"Data Source={path};Pooling=False").CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_DatabaseUnreachable_Unhealthy()
    {
        var missing = Path.Combine(_data, "no-such-folder", "store.db");

        var result = await CheckOf($"Data Source={missing};Mode=ReadWrite;Pooling=False").CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
            Directory.Delete(_data, recursive: true);
    }
}
