using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Controller;

internal static partial class AnalysisLog
{
    [LoggerMessage(120, LogLevel.Debug, "Rollout {Key}: check '{Check}' measured {Verdict}: {Evidence}")]
    public static partial void Measured(ILogger logger, string key, string check, string verdict, string evidence);

    [LoggerMessage(121, LogLevel.Warning, "Rollout {Key}: check '{Check}' threw while measuring")]
    public static partial void MeasureThrew(ILogger logger, string key, string check, Exception exception);
}
