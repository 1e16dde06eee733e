using Canaria.Local.Dashboard.Series;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Dashboard;

public sealed class SeriesFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new();
    private readonly LineLogger _log = new();

    private string FilePath => SeriesFile.PathIn(_dir.Path);

    [Fact]
    public void SaveThenLoad_TwoRollouts_SamePointsInTheSameOrder()
    {
        var book = new SeriesBook(_clock);
        book.Restore(Data(_clock.GetUtcNow(), ("a", 5), ("b", 3)));
        var saver = new SeriesSaver(book, FilePath, _clock, _log);

        Assert.True(saver.SaveIfChanged());
        var restored = new SeriesBook(_clock);
        restored.Restore(SeriesFile.Load(FilePath, _clock.GetUtcNow(), _log)!);

        foreach (var name in new[] { "a", "b" })
        {
            Assert.Equal(book.After(name, 0).Signals.Select(p => (p.At, p.Version, p.Rps)), restored.After(name, 0).Signals.Select(p => (p.At, p.Version, p.Rps)));
            Assert.Equal(book.After(name, 0).Llr.Select(p => (p.At, p.Llr)), restored.After(name, 0).Llr.Select(p => (p.At, p.Llr)));
        }
        Assert.Empty(_log.Lines);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"format\":99,\"savedAt\":\"2026-01-01T00:00:00Z\",\"rollouts\":{}}")]
    [InlineData("{\"format\":1,\"savedAt\":\"2026-01-01T00:00:00Z\",\"rollouts\":{\"a\":{\"signals\":[{\"seq\":1,\"at\":\"2026-01-01T")]
    public void Load_CorruptOrTruncatedFile_NullWithALogLine(string text)
    {
        File.WriteAllText(FilePath, text);
        Assert.Null(SeriesFile.Load(FilePath, _clock.GetUtcNow(), _log));
        Assert.Contains(_log.Lines, l => l.Contains(FilePath, StringComparison.Ordinal) && l.Contains("ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NoFile_NullWithoutALogLine()
    {
        Assert.Null(SeriesFile.Load(FilePath, _clock.GetUtcNow(), _log));
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void Load_PointsOlderThanAnHour_LeftOut()
    {
        var saved = _clock.GetUtcNow();
        var book = new SeriesBook(_clock);
        book.Restore(Data(saved, ("a", 4)));
        Assert.True(new SeriesSaver(book, FilePath, _clock, _log).SaveIfChanged());

        var loaded = SeriesFile.Load(FilePath, saved + SeriesFile.MaxAge - TimeSpan.FromSeconds(1.5), _log)!;
        Assert.Equal(2, loaded.Rollouts["a"].Signals.Count); // points at -3 s .. 0 s: only the two newest are within the hour
    }

    [Fact]
    public void SaveIfChanged_UnwritablePlace_FalseLoggedOnceAMinuteThenSavesWhenItWorks()
    {
        var book = new SeriesBook(_clock);
        book.Restore(Data(_clock.GetUtcNow(), ("a", 2)));
        var blocked = Path.Combine(_dir.Path, "gone", SeriesFile.FileName); // its folder does not exist: the write fails as on a full disk
        var saver = new SeriesSaver(book, blocked, _clock, _log);

        Assert.False(saver.SaveIfChanged());
        Assert.False(saver.SaveIfChanged());
        Assert.Single(_log.Lines);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(saver.SaveIfChanged());
        Assert.Equal(2, _log.Lines.Count);

        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        Assert.True(saver.SaveIfChanged());
        Assert.NotNull(SeriesFile.Load(blocked, _clock.GetUtcNow(), _log));
    }

    [Fact]
    public void Save_OverTheSizeBound_KeepsEachRolloutsNewestPointsAndFits()
    {
        var end = _clock.GetUtcNow();
        var data = Data(end, ("a", 400), ("b", 200));
        const long bound = 40_000; // the whole data is about 150 KB

        SeriesFile.Save(FilePath, data, bound);

        Assert.InRange(new FileInfo(FilePath).Length, 1, bound);
        var loaded = SeriesFile.Load(FilePath, end, _log)!;
        foreach (var name in new[] { "a", "b" })
        {
            var kept = loaded.Rollouts[name].Signals;
            Assert.NotEmpty(kept);
            Assert.True(kept.Count < data.Rollouts[name].Signals.Count, $"{name} kept all {kept.Count} points");
            Assert.Equal(end, kept[^1].At); // the newest point survives, the oldest went first
            Assert.Equal(data.Rollouts[name].Signals.TakeLast(kept.Count).Select(p => p.At), kept.Select(p => p.At));
        }
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Per rollout, <c>n</c> signal points one second apart ending at <paramref name="end"/>, and an LLR point per signal point.</summary>
    private static SeriesFileData Data(DateTimeOffset end, params (string Name, int N)[] rollouts)
    {
        var seq = 0L;
        var result = new Dictionary<string, SeriesFileRollout>(StringComparer.Ordinal);
        foreach (var (name, n) in rollouts)
        {
            var signals = new List<SignalPoint>();
            var llr = new List<LlrPoint>();
            for (var i = 0; i < n; i++)
            {
                var at = end.AddSeconds(i - n + 1);
                signals.Add(new SignalPoint(++seq, at, i % 2 == 0 ? "v1" : "v2", i % 2 == 0 ? "stable" : "canary", 50, 10 + i, 0.99, 5, 9, 12));
                llr.Add(new LlrPoint(++seq, at, "errors", 0, i * 0.5, -2.9, 2.9, "Pass"));
            }
            result[name] = new SeriesFileRollout(signals, llr);
        }
        return new SeriesFileData(SeriesFileData.CurrentFormat, end, result);
    }
}
