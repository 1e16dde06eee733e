namespace Canaria.Local.Dashboard.Series;

/// <summary>What <see cref="SeriesFile"/> stores: each rollout's chart points, oldest first, and when they were saved.</summary>
internal sealed record SeriesFileData(int Format, DateTimeOffset SavedAt, IReadOnlyDictionary<string, SeriesFileRollout> Rollouts)
{
    public const int CurrentFormat = 1;
}

/// <summary>One rollout's saved points.</summary>
internal sealed record SeriesFileRollout(IReadOnlyList<SignalPoint> Signals, IReadOnlyList<LlrPoint> Llr);
