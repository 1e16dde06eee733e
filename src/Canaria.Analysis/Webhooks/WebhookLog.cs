using Microsoft.Extensions.Logging;

namespace Canaria.Analysis.Webhooks;

internal static partial class WebhookLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Rollout}: notification webhook '{Webhook}' failed after {Attempts} attempt(s): {Error}")]
    public static partial void NotificationFailed(ILogger logger, string rollout, string webhook, int attempts, string error);
}
