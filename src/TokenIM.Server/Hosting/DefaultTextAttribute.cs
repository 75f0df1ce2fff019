namespace TokenIM.Server.Hosting;

/// <summary>
/// How a setting's default is shown when the value in code depends on the machine (e.g. the processor count), so that
/// <c>tokenim config default</c> and docs/configuration.md say the rule, not one machine's number.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DefaultTextAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}
