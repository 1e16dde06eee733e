using Microsoft.Extensions.Logging;

namespace Canaria.Local.Dashboard.Series;

internal static partial class SeriesLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard's saved chart points in {Path} are ignored ({Reason}); the charts start empty and the file is replaced at the next save")]
    public static partial void FileIgnored(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot save the dashboard's chart points to {Path} ({Reason}); releases go on, the points stay in memory and the next save tries again (reported once a minute)")]
    public static partial void SaveFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Points} dashboard chart points of {Rollouts} rollouts from {Path}")]
    public static partial void Restored(ILogger logger, int points, int rollouts, string path);
}
