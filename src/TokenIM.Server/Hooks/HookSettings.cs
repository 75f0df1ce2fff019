using System.ComponentModel.DataAnnotations;
using System.Net;

namespace TokenIM.Server.Hooks;

/// <summary>Synchronous hooks: the app's own server asked before the chat server acts (<c>TokenIM:Hooks</c>).</summary>
internal sealed class HookSettings
{
    public BeforeSendHookSettings BeforeSend { get; set; } = new();
}

internal sealed class BeforeSendHookSettings
{
    public const string FailOpen = "open";
    public const string FailClosed = "closed";

    /// <summary>
    /// Where every send (user REST, socket, server API) that passed the server's own checks is POSTed, signed, for a
    /// verdict (allow, reject, rewrite) before it is stored (docs/integration.md §9); https, or http to a loopback
    /// address only. The default is none: no hook, and sends pay nothing for it.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// The secret the request is signed with (header <c>TokenIM-Signature</c>, as webhooks); at least 16 characters,
    /// required with <see cref="Url"/>. The default is none.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How long a send waits for the hook's answer (10 ms to 30 s); past it, <see cref="FailureMode"/> decides. The default is 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What a send does when the hook cannot answer (timeout, network error, non-2xx, unreadable answer): <c>open</c>
    /// stores it unchecked, so a hook that is down does not stop chat (logged as a warning); <c>closed</c> refuses it
    /// with <c>503 hook_unavailable</c> (retry after 1 s with the same <c>clientMsgId</c>). The default is <c>open</c>.
    /// </summary>
    [RegularExpression("^(open|closed)$")]
    public string FailureMode { get; set; } = FailOpen;

    /// <summary>The checks data annotations cannot make; empty when the settings are usable.</summary>
    public IEnumerable<string> Problems()
    {
        const string Prefix = "TokenIM:Hooks:BeforeSend";
        if (string.IsNullOrEmpty(Url))
            yield break;
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && IsLoopback(url))))
            yield return $"{Prefix}:Url must be an absolute https URL (http only to a loopback address): the hook sees every message's text.";
        if (Secret is not { Length: >= 16 })
            yield return $"{Prefix}:Secret of at least 16 characters is required with {Prefix}:Url.";
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
