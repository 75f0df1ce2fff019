using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TokenIM.Client.Realtime;

/// <summary>Reads the <c>op</c> of an inbound frame and encodes outbound ones with the protocol's JSON context.</summary>
internal static class Frames
{
    /// <summary>The string <c>op</c> member of a JSON object, wherever it stands among the members; null if there is none.</summary>
    public static string? ReadOp(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isOp = reader.ValueTextEquals("op"u8);
            reader.Read();
            if (isOp)
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
        }
        return null;
    }

    public static T Decode<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize(json, info) ?? throw new JsonException($"A {typeof(T).Name} frame was null.");

    public static byte[] Encode<T>(T frame, JsonTypeInfo<T> info) => JsonSerializer.SerializeToUtf8Bytes(frame, info);
}
