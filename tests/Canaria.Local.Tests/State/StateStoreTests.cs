using Canaria.Local.State;
using Canaria.Local.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Canaria.Local.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(T0);
    private readonly StateStore _store;

    public StateStoreTests() => _store = StateStore.Open(Path.Combine(_dir.Path, "canaria.db"), _clock);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Open_FreshDirectory_CreatesVersionedSchemaInWalMode()
    {
        Assert.Equal(StateSchema.LatestVersion, _store.SchemaVersion);
        using var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('schema_version','rollouts','revisions','events') ORDER BY name;";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
            tables.Add(reader.GetString(0));
        Assert.Equal(["events", "revisions", "rollouts", "schema_version"], tables);
    }

    [Fact]
    public void Open_ExistingDatabase_KeepsDataAndDoesNotMigrateAgain()
    {
        _store.SaveRollout("web", "spec", "{}", 0);
        _store.Dispose();

        using var reopened = StateStore.Open(Path.Combine(_dir.Path, "canaria.db"), _clock);

        Assert.Equal(StateSchema.LatestVersion, reopened.SchemaVersion);
        Assert.Equal("spec", reopened.GetRollout("web")!.Spec);
    }

    [Fact]
    public void SaveRollout_CreateThenUpdate_RoundTripsAndBumpsVersions()
    {
        var created = _store.SaveRollout("web", "spec: 1", """{"phase":"Progressing"}""", 0);
        _clock.Now = T0.AddMinutes(1);
        var statusOnly = _store.SaveRollout("web", "spec: 1", """{"phase":"Paused"}""", created.Rollout!.RowVersion);
        var specChange = _store.SaveRollout("web", "spec: 2", """{"phase":"Paused"}""", statusOnly.Rollout!.RowVersion);

        Assert.Equal(SaveRolloutOutcome.Created, created.Outcome);
        Assert.Equal(SaveRolloutOutcome.Updated, statusOnly.Outcome);
        var stored = _store.GetRollout("web")!;
        Assert.Equal(specChange.Rollout, stored);
        Assert.Equal("spec: 2", stored.Spec);
        Assert.Equal("""{"phase":"Paused"}""", stored.StatusJson);
        Assert.Equal(3, stored.RowVersion);
        Assert.Equal(2, stored.Generation); // status-only saves do not bump the generation
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Equal(T0.AddMinutes(1), stored.UpdatedAt);
        Assert.Equal(["web"], _store.ListRollouts().Select(r => r.Name));
    }

    [Fact]
    public void SaveRollout_StaleRowVersion_ReturnsConflictWithCurrentRow()
    {
        var first = _store.SaveRollout("web", "s", "{}", 0).Rollout!;
        _store.SaveRollout("web", "s", """{"by":"other"}""", first.RowVersion);

        var stale = _store.SaveRollout("web", "s", """{"by":"me"}""", first.RowVersion);
        var duplicateCreate = _store.SaveRollout("web", "s", "{}", 0);
        var updateMissing = _store.SaveRollout("missing", "s", "{}", 5);

        Assert.True(stale.IsConflict);
        Assert.Equal("""{"by":"other"}""", stale.Rollout!.StatusJson);
        Assert.True(duplicateCreate.IsConflict);
        Assert.True(updateMissing.IsConflict);
        Assert.Null(updateMissing.Rollout);
        Assert.Equal("""{"by":"other"}""", _store.GetRollout("web")!.StatusJson);
    }

    [Fact]
    public void AddRevision_NewAndRepeatedHashes_NumbersFromOneAndDedupesLatest()
    {
        var r1 = _store.AddRevision("web", "{\"image\":\"v1\"}", "h1");
        var again = _store.AddRevision("web", "{\"image\":\"v1\"}", "h1");
        var r2 = _store.AddRevision("web", "{\"image\":\"v2\"}", "h2");
        var back = _store.AddRevision("web", "{\"image\":\"v1\"}", "h1"); // rollback to v1 is a new revision
        var other = _store.AddRevision("api", "{}", "h1");

        Assert.Equal((1, 1, 2, 3, 1), (r1, again, r2, back, other));
        Assert.Equal([1, 2, 3], _store.ListRevisions("web").Select(r => r.Number));
        var revision = _store.GetRevision("web", 2)!;
        Assert.Equal("{\"image\":\"v2\"}", revision.TemplateJson);
        Assert.Equal("h2", revision.TemplateHash);
        Assert.Null(_store.GetRevision("web", 9));
    }

    [Fact]
    public void ListEvents_ManyEvents_ReturnsLatestInOrderAndPagesSinceId()
    {
        var ids = Enumerable.Range(0, 5)
            .Select(i => _store.AppendEvent("web", T0.AddSeconds(i), "Normal", "StepStarted", $"step {i}", i, i % 2 == 0 ? 1 : null))
            .ToArray();
        _store.AppendEvent("api", T0, "Warning", "Other", "not mine");

        var latest = _store.ListEvents("web", 3);
        var since = _store.ListEvents("web", 2, sinceId: ids[1]);

        Assert.Equal(["step 2", "step 3", "step 4"], latest.Select(e => e.Message));
        Assert.Equal([ids[2], ids[3]], since.Select(e => e.Id));
        var e4 = latest[^1];
        Assert.Equal(("web", T0.AddSeconds(4), "Normal", "StepStarted", 4, (int?)1), (e4.Rollout, e4.Timestamp, e4.Type, e4.Reason, e4.StepIndex!.Value, e4.Revision));
        Assert.Null(latest[1].Revision);
    }

    [Fact]
    public void TrimEvents_MoreThanKept_DeletesOldestOfThatRolloutOnly()
    {
        var ids = Enumerable.Range(0, 5).Select(i => _store.AppendEvent("web", T0, "Normal", "R", $"m{i}")).ToArray();
        _store.AppendEvent("api", T0, "Normal", "R", "other");

        Assert.Equal(3, _store.TrimEvents("web", 2));
        Assert.Equal(0, _store.TrimEvents("web", 2));
        Assert.Equal([ids[3], ids[4]], _store.ListEvents("web", 10).Select(e => e.Id));
        Assert.Single(_store.ListEvents("api", 10));
    }

    [Fact]
    public void DeleteRollout_Existing_RemovesRowRevisionsAndEvents()
    {
        _store.SaveRollout("web", "s", "{}", 0);
        _store.AddRevision("web", "{}", "h");
        _store.AppendEvent("web", T0, "Normal", "Created", "created");

        Assert.True(_store.DeleteRollout("web"));
        Assert.False(_store.DeleteRollout("web"));
        Assert.Null(_store.GetRollout("web"));
        Assert.Empty(_store.ListRevisions("web"));
        Assert.Empty(_store.ListEvents("web", 10));
        Assert.Equal(1, _store.AddRevision("web", "{}", "h"));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
