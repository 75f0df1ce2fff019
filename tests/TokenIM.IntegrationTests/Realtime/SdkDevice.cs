using TokenIM.Client;
using TokenIM.Client.Realtime;
using TokenIM.IntegrationTests.Infrastructure;
using TokenIM.Protocol.Rest;

namespace TokenIM.IntegrationTests.Realtime;

/// <summary>One signed-in device driven through the real SDK: its REST client, its socket client and what it delivered.</summary>
public sealed class SdkDevice : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private SdkDevice(TokenImClient rest, int seed, bool wholeHistory)
    {
        Rest = rest;
        // Small back-off so reconnects in tests take milliseconds; a fixed seed so a run can be repeated.
        Realtime = new TokenImRealtimeClient(rest, new TokenImRealtimeOptions
        {
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(10),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(250),
            Random = new Random(seed),
            DeliverWholeHistory = wholeHistory,
        });
        Log.Attach(Realtime);
        Realtime.StateChanged += (_, change) =>
        {
            lock (States)
                States.Add(change);
        };
    }

    public TokenImClient Rest { get; }

    public TokenImRealtimeClient Realtime { get; }

    public MessageLog Log { get; } = new();

    /// <summary>Every state change, in order (lock it to read).</summary>
    public List<ConnectionStateChangedEventArgs> States { get; } = [];

    public string UserId => Rest.Tokens!.User.Id;

    /// <summary>
    /// A task that completes at the next change to <paramref name="state"/>. Take it before causing the change (an
    /// abort, say): the state the client reports right after the cause may still be the old one.
    /// </summary>
    public Task NextStateAsync(ConnectionState state)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(object? sender, ConnectionStateChangedEventArgs change)
        {
            if (change.State == state && reached.TrySetResult())
                Realtime.StateChanged -= OnChange;
        }

        Realtime.StateChanged += OnChange;
        return reached.Task.WaitAsync(Timeout);
    }

    /// <summary>Completes once the socket is connected (at once if it is now).</summary>
    public async Task WaitUntilConnectedAsync()
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(object? sender, ConnectionStateChangedEventArgs change)
        {
            if (change.State == ConnectionState.Connected)
                connected.TrySetResult();
        }

        Realtime.StateChanged += OnChange;
        try
        {
            if (Realtime.State == ConnectionState.Connected)
                connected.TrySetResult();
            await connected.Task.WaitAsync(Timeout);
        }
        finally
        {
            Realtime.StateChanged -= OnChange;
        }
    }

    public string Username => Rest.Tokens!.User.Username;

    /// <summary>A new user, signed in on a new device (not connected yet).</summary>
    public static async Task<SdkDevice> RegisterAsync(LiveTokenImFactory factory, int seed, string prefix = "sdk", bool wholeHistory = false)
    {
        var rest = new TokenImClient(factory.BaseUri);
        await rest.RegisterAsync(factory.NextUsername(prefix), Api.DefaultPassword);
        return new SdkDevice(rest, seed, wholeHistory);
    }

    /// <summary>A new user, signed up through <paramref name="baseUri"/> (a node or the load balancer of a real cluster), on a new device (not connected yet).</summary>
    public static async Task<SdkDevice> RegisterAsync(Uri baseUri, string username, int seed)
    {
        var rest = new TokenImClient(baseUri);
        await rest.RegisterAsync(username, Api.DefaultPassword);
        return new SdkDevice(rest, seed, wholeHistory: false);
    }

    /// <summary>Another device (session) of an existing user (not connected yet).</summary>
    public static async Task<SdkDevice> LoginAsync(LiveTokenImFactory factory, string username, int seed)
    {
        var rest = new TokenImClient(factory.BaseUri);
        await rest.LoginAsync(username, Api.DefaultPassword, $"device-{seed}");
        return new SdkDevice(rest, seed, wholeHistory: false);
    }

    public Task ConnectAsync() => Realtime.ConnectAsync().WaitAsync(Timeout);

    /// <summary>Every message the server stored in the conversation, in seq order, read page by page over REST.</summary>
    public async Task<List<MessageDto>> StoredMessagesAsync(string conversationId)
    {
        var all = new List<MessageDto>();
        MessagePage page;
        do
        {
            page = await Rest.GetMessagesAsync(conversationId, afterSeq: all.Count == 0 ? 0 : all[^1].Seq, limit: 100);
            all.AddRange(page.Messages);
        }
        while (page.HasMore);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await Realtime.DisposeAsync();
        Rest.Dispose();
    }
}
