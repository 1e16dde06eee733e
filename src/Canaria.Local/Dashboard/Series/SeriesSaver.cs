using Microsoft.Extensions.Logging;

namespace Canaria.Local.Dashboard.Series;

/// <summary>
/// Saves the controller's chart points every <see cref="Interval"/> when they changed, and once more on stop, on its own
/// task: a slow or full disk delays only the next save, never the release loop. A failed save is logged at most once a
/// minute and tried again at the next interval.
/// </summary>
internal sealed class SeriesSaver(SeriesBook book, string path, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(1);

    private long _savedSeq = -1;
    private DateTimeOffset _lastReport = DateTimeOffset.MinValue;

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) SaveIfChanged();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the points if any came since the last save; false when the write failed (logged).</summary>
    public bool SaveIfChanged()
    {
        var seq = book.Seq;
        if (seq == _savedSeq) return true;
        try
        {
            SeriesFile.Save(path, book.ToFile());
            _savedSeq = seq;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or NotSupportedException or ArgumentException)
        {
            var now = time.GetUtcNow();
            if (now - _lastReport >= ReportEvery)
            {
                _lastReport = now;
                SeriesLog.SaveFailed(logger, path, e.Message);
            }
            return false;
        }
    }
}
