using System.Net;
using System.Net.Sockets;
using TokenIM.Protocol.Webhooks;
using TokenIM.Server.Storage;

namespace TokenIM.Server.Webhooks;

/// <summary>What makes an endpoint's URL and event list acceptable, and which addresses count as internal.</summary>
internal static class WebhookEndpointRules
{
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 256;

    public static IEnumerable<string> TypesOf(WebhookEndpointEntity endpoint) => endpoint.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The URL's problem, or null. With <paramref name="allowPrivate"/> false, a literal internal address or <c>localhost</c> is refused here too.</summary>
    public static string? CheckUrl(string? url, bool allowPrivate)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength)
            return $"An absolute http or https URL of at most {MaxUrlLength} characters is required.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "The URL must be absolute, with the scheme http or https.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "The URL must not carry a user name or password.";
        if (!string.IsNullOrEmpty(uri.Fragment))
            return "The URL must not have a fragment.";
        if (!allowPrivate && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && IsInternal(address))))
            return "Internal addresses are refused here (TokenIM:Webhooks:AllowPrivateNetworks is false).";
        return null;
    }

    /// <summary>The event list's problem, or null: at least one known type, each once.</summary>
    public static string? CheckEvents(IReadOnlyList<string>? events)
    {
        var known = "The types are: " + string.Join(' ', WebhookEventTypes.All) + ".";
        if (events is not { Count: > 0 })
            return "At least one event type is required. " + known;
        if (events.FirstOrDefault(e => !WebhookEventTypes.All.Contains(e, StringComparer.Ordinal)) is { } unknown)
            return $"Unknown event type '{unknown}'. " + known;
        if (events.Distinct(StringComparer.Ordinal).Count() != events.Count)
            return "An event type is listed twice.";
        return null;
    }

    /// <summary>The events, space-separated in documentation order (how they are stored).</summary>
    public static string Join(IReadOnlyList<string> events) => string.Join(' ', WebhookEventTypes.All.Where(t => events.Contains(t, StringComparer.Ordinal)));

    /// <summary>
    /// Loopback, private (RFC 1918, unique-local), link-local (cloud metadata lives there), carrier-grade NAT,
    /// unspecified and multicast addresses: where a request from the server could reach what outsiders cannot.
    /// </summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
    }
}
