namespace Canaria.Local.Dashboard.Series;

/// <summary>The points of one rollout newer than a sequence number, and the newest sequence number it holds.</summary>
internal sealed record SeriesSlice(long Seq, IReadOnlyList<SignalPoint> Signals, IReadOnlyList<LlrPoint> Llr)
{
    public static SeriesSlice Empty(long seq) => new(seq, [], []);
}
