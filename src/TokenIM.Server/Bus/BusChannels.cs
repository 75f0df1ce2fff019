namespace TokenIM.Server.Bus;

/// <summary>Every Redis channel and key name TokenIM uses, in one place (operators grep here; tests share them).</summary>
internal static class BusChannels
{
    /// <summary>
    /// Every node publishes its events here and every node hears all of them, delivering to the sockets it holds. One
    /// channel costs each node a decode of every event; routing by a presence registry replaces it when node counts
    /// grow (docs/architecture.md, "Scale-out").
    /// </summary>
    public const string Events = "tokenim:events";
}
