using System.Text.Json;

namespace TokenIM.Cli.Bench;

/// <summary>
/// The few fields of a server frame the benchmark needs, read with one forward pass of <see cref="Utf8JsonReader"/>
/// (no object model: the load generator shares the two cores with the server it measures).
/// </summary>
internal ref struct BenchFrame
{
    public ReadOnlySpan<byte> Op;
    public ReadOnlySpan<byte> Re;
    public ReadOnlySpan<byte> ConversationId;
    public ReadOnlySpan<byte> Text;
    public ReadOnlySpan<byte> Code;
    public long Seq;

    /// <summary>Reads <c>op</c>, <c>re</c>, <c>code</c>, <c>seq</c>, <c>conversationId</c> and <c>text</c>, at the top level or inside <c>message</c>.</summary>
    public static BenchFrame Parse(ReadOnlySpan<byte> json)
    {
        var frame = new BenchFrame();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth > 2)
                continue;
            if (reader.ValueTextEquals("op"u8))
                frame.Op = json[Next(ref reader)];
            else if (reader.ValueTextEquals("re"u8))
                frame.Re = json[Next(ref reader)];
            else if (reader.ValueTextEquals("conversationId"u8))
                frame.ConversationId = json[Next(ref reader)];
            else if (reader.ValueTextEquals("text"u8))
                frame.Text = json[Next(ref reader)];
            else if (reader.ValueTextEquals("code"u8))
                frame.Code = json[Next(ref reader)];
            else if (reader.ValueTextEquals("seq"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                frame.Seq = reader.GetInt64();
        }

        return frame;
    }

    // The benchmark's own values never need unescaping (ids, digits); a server string with escapes is only compared.
    // Returned as a range of the input (the reader is a local; its spans cannot leave this method).
    private static Range Next(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.String
            ? new Range((int)reader.TokenStartIndex + 1, (int)reader.TokenStartIndex + 1 + reader.ValueSpan.Length)
            : default;
}
