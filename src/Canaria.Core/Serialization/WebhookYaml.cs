using Canaria.Core.Model;

namespace Canaria.Core.Serialization;

internal static class WebhookYaml
{
    public static WebhookSpec Read(MapReader m)
    {
        var d = new WebhookSpec();
        var type = m.Has("type") ? Enums.Read(m, "type", WebhookType.Event) : WebhookType.Event;
        if (!m.Has("type")) m.String("type", required: true);
        var w = new WebhookSpec
        {
            Name = m.String("name", required: true) ?? "",
            Type = type,
            Url = m.String("url", required: true) ?? "",
            Timeout = m.Duration("timeout") ?? d.Timeout,
            Retries = m.Int("retries") ?? d.Retries,
            Metadata = m.StringMap("metadata"),
        };
        m.RejectUnknown();
        return w;
    }
}
