namespace TokenIM.Cli.Bench;

/// <summary>
/// The progress line on stderr while a run goes: redrawn in place twice a second on a terminal, a plain line every
/// five seconds when stderr is redirected (so logs stay readable). Silent when <c>quiet</c>.
/// </summary>
internal sealed class Progress : IDisposable
{
    private readonly TextWriter? _output;
    private readonly bool _inPlace;
    private readonly Timer? _timer;
    private Func<string> _status = () => string.Empty;
    private int _width;

    public Progress(TextWriter? output)
    {
        _output = output;
        _inPlace = output is not null && !Console.IsErrorRedirected;
        if (output is not null)
        {
            var period = _inPlace ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(5);
            _timer = new Timer(_ => Draw(), null, period, period);
        }
    }

    /// <summary>What the line shows from now on; evaluated on each redraw.</summary>
    public void Show(Func<string> status) => Volatile.Write(ref _status, status);

    private void Draw()
    {
        var line = Volatile.Read(ref _status)();
        if (_output is null || line.Length == 0)
            return;
        lock (_output)
        {
            if (_inPlace)
            {
                _output.Write('\r' + line.PadRight(_width));
                _width = line.Length;
            }
            else
            {
                _output.WriteLine(line);
            }
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        if (_output is not null && _inPlace && _width > 0)
        {
            lock (_output)
                _output.Write('\r' + new string(' ', _width) + '\r');
        }
    }
}
