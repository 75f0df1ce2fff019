using Scalar.AspNetCore;
using TokenIM.Server.Auth;
using TokenIM.Server.Bus;
using TokenIM.Server.Chat;
using TokenIM.Server.Delivery;
using TokenIM.Server.Gateway;
using TokenIM.Server.Hooks;
using TokenIM.Server.Hosting;
using TokenIM.Server.Http;
using TokenIM.Server.Presence;
using TokenIM.Server.Stats;
using TokenIM.Server.Storage;
using TokenIM.Server.Telemetry;
using TokenIM.Server.Webhooks;

// The stages in the order a message flows through them (see docs/architecture.md).
var builder = WebApplication.CreateBuilder(args);
builder.AddTokenImHosting(args);
builder.Services.AddTokenImStorage();
builder.Services.AddTokenImAuth();
builder.Services.AddTokenImChat();
builder.Services.AddTokenImHooks();
builder.Services.AddTokenImBus();
builder.Services.AddTokenImDelivery();
builder.Services.AddTokenImPresence();
builder.Services.AddTokenImWebhooks();
builder.Services.AddTokenImGateway();
builder.Services.AddTokenImStats();
builder.Services.AddTokenImTelemetry();

var app = builder.Build();
await app.Services.MigrateTokenImStoreAsync();
await app.Services.InitializeTokenImAuthAsync();

app.UseTokenImPipeline();
app.UseTokenImWebClient();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/docs");
app.MapTokenImHealth();
app.MapTokenImApi();
app.MapTokenImGateway();

await app.RunAsync();
