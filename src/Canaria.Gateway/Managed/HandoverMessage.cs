using System.Text.Json;
using System.Text.Json.Serialization;
using Canaria.Gateway.Config;

namespace Canaria.Gateway.Managed;

/// <summary>
/// One message of the listener handover between two gateway processes (one SOCK_SEQPACKET datagram each):
/// successor → serving: <c>takeover</c> (with the token), later <c>commit</c>; serving → successor: one <c>listener</c>
/// per listening socket (the descriptor rides along), <c>config</c> chunks, then <c>ready</c>; or <c>error</c>.
/// </summary>
internal sealed record HandoverMessage
{
    private static readonly GatewayJsonContext Json = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });

    public string Op { get; init; } = "";
    public string? Token { get; init; }
    public int? Pid { get; init; }
    public string? Name { get; init; }
    public string? Address { get; init; }
    public string? Text { get; init; }

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Json.HandoverMessage);

    public static HandoverMessage? Decode(byte[]? payload)
    {
        if (payload is null) return null;
        try
        {
            return JsonSerializer.Deserialize(payload, Json.HandoverMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
