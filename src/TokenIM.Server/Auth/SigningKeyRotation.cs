using TokenIM.Protocol;
using TokenIM.Protocol.Rest;
using TokenIM.Server.Bus;

namespace TokenIM.Server.Auth;

/// <summary>
/// Rotation on demand (the server API's <c>POST /server/signing-keys/rotate</c>) and its reach across nodes. The nodes
/// share the key folder but each keeps its keys in memory and reads the folder again only about once a minute before
/// signing; so the node that made a key says so on the bus, and every node reads the folder at once on hearing it and
/// signs with the new key from then on. A node that misses the message (Redis down) still finds the key within that
/// minute, and verifies its tokens at once anyway (an unknown kid makes it read the folder).
/// </summary>
internal sealed partial class SigningKeyRotation(SigningKeys keys, IBus bus, TimeProvider time, ILogger<SigningKeyRotation> logger) : IHostedService
{
    /// <summary>
    /// Rotations on demand stop here until older keys retire: every published key is read and served in the JWKS, so
    /// a key holder rotating in a loop must not grow that without bound. Ten is more than any real rotation needs
    /// within one token lifetime. (Racing rotations may pass it by one or two; it bounds, it does not count.)
    /// </summary>
    public const int MaxPublishedKeys = 10;

    private static readonly Failure s_tooMany = new(
        ErrorCode.TooManySigningKeys,
        $"{MaxPublishedKeys} signing keys are published; rotate again once the oldest has retired.");

    private IDisposable? _subscription;

    public SigningKeyList List() => ToDto(keys.Describe());

    /// <summary>Makes a new current key and tells the other nodes; returns the keys as they are now.</summary>
    public async Task<Result<SigningKeyList>> RotateAsync(CancellationToken cancellationToken)
    {
        // Keys past their retirement do not count: the rotation itself retires them, under the folder's lock.
        var now = time.GetUtcNow();
        if (keys.Describe().Count(k => k.RetiresAt is not { } at || at >= now) >= MaxPublishedKeys)
            return s_tooMany;
        // File work under an exclusive lock that another node may hold for a moment: off the request's thread.
        var kid = await Task.Run(keys.Rotate, cancellationToken);
        LogRotated(logger, kid);
        await AnnounceAsync();
        return ToDto(keys.Describe());
    }

    /// <summary>Tells every node that the key folder changed (also after a rotation by age).</summary>
    public ValueTask AnnounceAsync() => bus.PublishAsync(BusEnvelope.SigningKeysChanged(), CancellationToken.None);

    private static SigningKeyList ToDto(IReadOnlyList<SigningKeyInfo> keys) =>
        new([.. keys.Select(k => new SigningKeyDto(k.KeyId, k.CreatedAt, k.Current, k.SupersededAt, k.RetiresAt))]);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(envelope =>
        {
            // A read of a few small files; the bus hands events over one at a time, so this runs rarely and briefly.
            if (envelope.Kind == BusEnvelopeKind.SigningKeysChanged)
                keys.Reload();
            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Signing key {KeyId} made on request; the other nodes are told to sign with it")]
    private static partial void LogRotated(ILogger logger, string keyId);
}
