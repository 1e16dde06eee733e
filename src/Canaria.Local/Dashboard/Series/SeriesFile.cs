using System.Text.Json;
using Canaria.Core.Serialization;
using Canaria.Local.State;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Dashboard.Series;

/// <summary>
/// The dashboard's chart points on disk (<see cref="FileName"/> in the state directory), so a restarted controller shows
/// the same recent history. Written whole with the state directory's atomic replace (temp file, flush to disk, rename),
/// so a crash leaves the old file or the new one, never half of one. A missing file is an empty history; an unreadable,
/// corrupt, truncated or oversized one is ignored with a log line (never a failed start). Points older than
/// <see cref="MaxAge"/> are not restored. Nothing here runs on the release loop (see <see cref="SeriesSaver"/>).
/// </summary>
internal static class SeriesFile
{
    public const string FileName = "dashboard-series.json";
    public const long MaxBytes = 64L * 1024 * 1024;
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    /// <summary>The saved points newer than <see cref="MaxAge"/>, or null (nothing saved, or ignored with a log line).</summary>
    public static SeriesFileData? Load(string path, DateTimeOffset now, ILogger logger)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            if (info.Length > MaxBytes)
            {
                SeriesLog.FileIgnored(logger, path, $"{info.Length} bytes, more than the {MaxBytes} a save writes at most");
                return null;
            }
            var data = JsonSerializer.Deserialize<SeriesFileData>(File.ReadAllText(path), CoreJson.Options);
            if (data?.Rollouts is null || data.Format != SeriesFileData.CurrentFormat)
            {
                SeriesLog.FileIgnored(logger, path, data is null || data.Rollouts is null ? "no rollouts in it" : $"format {data.Format}, this controller reads {SeriesFileData.CurrentFormat}");
                return null;
            }
            var oldest = now - MaxAge;
            var kept = new Dictionary<string, SeriesFileRollout>(StringComparer.Ordinal);
            foreach (var (name, rollout) in data.Rollouts)
            {
                // A hand-edited or damaged entry loses its bad points, not the file.
                var signals = (rollout?.Signals ?? []).Where(p => p.At >= oldest && p.Version is not null && p.Role is not null).ToList();
                var llr = (rollout?.Llr ?? []).Where(p => p.At >= oldest && p.Check is not null && p.Verdict is not null).ToList();
                if (name is not null && (signals.Count > 0 || llr.Count > 0)) kept[name] = new SeriesFileRollout(signals, llr);
            }
            return data with { Rollouts = kept };
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            SeriesLog.FileIgnored(logger, path, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Replaces the file atomically; throws what the file system throws (the caller logs it). Over <paramref name="maxBytes"/>
    /// (very many rollouts) each rollout keeps only its newer half of points, again until it fits, so the file is never one
    /// that <see cref="Load"/> ignores: the newest points are the ones a restarted dashboard shows first.
    /// </summary>
    public static void Save(string path, SeriesFileData data, long maxBytes = MaxBytes)
    {
        var text = JsonSerializer.Serialize(data, CoreJson.Options);
        while (System.Text.Encoding.UTF8.GetByteCount(text) > maxBytes && data.Rollouts.Values.Any(r => r.Signals.Count + r.Llr.Count > 0))
        {
            data = data with
            {
                Rollouts = data.Rollouts.ToDictionary(r => r.Key, r => new SeriesFileRollout(NewerHalf(r.Value.Signals), NewerHalf(r.Value.Llr)), StringComparer.Ordinal),
            };
            text = JsonSerializer.Serialize(data, CoreJson.Options);
        }
        PrivateFiles.WriteAllText(path, text);
    }

    private static List<T> NewerHalf<T>(IReadOnlyList<T> oldestFirst) => oldestFirst.Skip(oldestFirst.Count - oldestFirst.Count / 2).ToList();
}
