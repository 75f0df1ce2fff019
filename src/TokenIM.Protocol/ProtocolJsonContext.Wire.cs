using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenIM.Protocol;

public sealed partial class ProtocolJsonContext
{
    /// <summary>
    /// The protocol's metadata with the encoder the wire uses: text outside ASCII travels as UTF-8, not as
    /// <c>\uXXXX</c> escapes (a Chinese character is 3 bytes instead of 6). Safe for JSON bodies and frames; not for
    /// pasting into HTML. Otherwise the same settings as <c>Default</c> (a test checks they agree).
    /// </summary>
    public static ProtocolJsonContext Wire { get; } = new(CreateWireOptions());

    /// <summary>The options of <see cref="Wire"/>: the source-generation options plus the relaxed encoder.</summary>
    public static JsonSerializerOptions CreateWireOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new UtcTimestampConverter());
        return options;
    }
}
