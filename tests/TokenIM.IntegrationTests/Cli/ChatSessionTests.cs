using System.Text;
using System.Threading.Channels;
using TokenIM.Cli.Chat;
using TokenIM.IntegrationTests.Infrastructure;

namespace TokenIM.IntegrationTests.Cli;

/// <summary><c>tokenim chat</c> end to end: two terminal sessions talk through a live server.</summary>
public sealed class ChatSessionTests(LiveTokenImFactory factory) : IClassFixture<LiveTokenImFactory>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Chat_TwoTerminals_SeeEachOthersLinesLive()
    {
        var server = factory.BaseUri;
        var bob = await factory.RegisterAsync();
        var aliceName = factory.NextUsername("alice");
        var aliceIn = new LineInput();
        var aliceOut = new WatchedOutput();
        var bobIn = new LineInput();
        var bobOut = new WatchedOutput();

        var alice = new ChatSession(new ChatOptions(server, aliceName, Api.DefaultPassword, Register: true, bob.Username, null, 20), aliceIn, aliceOut).RunAsync(CancellationToken.None);
        await aliceOut.WaitForAsync("type a message");
        aliceIn.Type("hello bob");
        await aliceOut.WaitForAsync("hello bob"); // its own line, from the ack

        var bobSession = new ChatSession(new ChatOptions(server, bob.Username, bob.Password, Register: false, aliceName, null, 20), bobIn, bobOut).RunAsync(CancellationToken.None);
        await bobOut.WaitForAsync($"{aliceName}: hello bob"); // history
        await bobOut.WaitForAsync("(connected)");
        bobIn.Type("hi alice");
        await aliceOut.WaitForAsync($"{bob.User.DisplayName}: hi alice"); // live

        aliceIn.Type("/quit");
        bobIn.Type("/quit");
        Assert.Equal(0, await alice.WaitAsync(s_wait));
        Assert.Equal(0, await bobSession.WaitAsync(s_wait));
    }

    [Fact]
    public async Task Chat_WrongPassword_PrintsTheErrorCodeAndExits1()
    {
        var server = factory.BaseUri;
        var user = await factory.RegisterAsync();
        var output = new WatchedOutput();

        var exit = await new ChatSession(new ChatOptions(server, user.Username, "not the password", false, null, null, 0), new LineInput(), output).RunAsync(CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("invalid_credentials", output.Text, StringComparison.Ordinal);
    }

    /// <summary>Standard input, typed by the test.</summary>
    private sealed class LineInput : TextReader
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        public void Type(string line) => _lines.Writer.TryWrite(line);

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
            await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;
    }

    /// <summary>Standard output that a test can wait on.</summary>
    private sealed class WatchedOutput : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _gate = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_gate)
                    return _text.ToString();
            }
        }

        public override void Write(char value)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _text.Append(value);
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? string.Empty)
                Write(c);
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public async Task WaitForAsync(string fragment)
        {
            using var timeout = new CancellationTokenSource(s_wait);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_text.ToString().Contains(fragment, StringComparison.Ordinal))
                        return;
                    changed = _changed.Task;
                }

                await changed.WaitAsync(timeout.Token);
            }
        }
    }
}
