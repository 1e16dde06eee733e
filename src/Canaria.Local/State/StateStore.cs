using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Canaria.Local.State;

/// <summary>
/// Durable controller state in <c>&lt;stateDir&gt;/canaria.db</c> (SQLite, WAL). Stores the controller's
/// rollout spec/status as opaque text, numbered revisions and an event history. Thread-safe: one
/// connection, serialized by a lock (every call is a short statement or transaction).
/// </summary>
internal sealed partial class StateStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    private StateStore(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
    }

    public string DatabasePath => _connection.DataSource;

    public int SchemaVersion
    {
        get
        {
            lock (_gate)
                return StateSchema.CurrentVersion(_connection);
        }
    }

    /// <summary>
    /// Opens (creating and migrating when needed) the database file at <paramref name="databasePath"/>, private to the
    /// user (0600, and so are the -wal and -shm files SQLite creates beside it: it gives them the database's mode).
    /// A file that cannot be opened, is not a SQLite database or fails SQLite's quick check throws
    /// <see cref="StateStoreException"/> with one line naming the file and what to do.
    /// </summary>
    public static StateStore Open(string databasePath, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(time);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // One writer (this controller). A store locked by someone else must fail fast, not stall the loop that
            // still has to send traffic back to stable: Microsoft.Data.Sqlite retries SQLITE_BUSY for up to this long.
            DefaultTimeout = 1,
        };
        SqliteConnection? connection = null;
        try
        {
            PrivateFiles.CreateOrTighten(databasePath);
            connection = new SqliteConnection(builder.ToString());
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=100; PRAGMA synchronous=NORMAL;";
                pragma.ExecuteNonQuery();
            }
            QuickCheck(connection, databasePath);
            StateSchema.Migrate(connection);
            foreach (var suffix in (string[])["-wal", "-shm"])
                PrivateFiles.Tighten(databasePath + suffix);
            return new StateStore(connection, time);
        }
        catch (Exception e) when (e is not StateStoreException && StoreFailures.IsOpenFailure(e))
        {
            connection?.Dispose();
            throw new StateStoreException(e is InvalidOperationException ? $"state store: {databasePath}: {e.Message}" : StoreFailures.StartupAdvice(e, databasePath), e);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    private static void QuickCheck(SqliteConnection connection, string path)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA quick_check(1);";
        if (check.ExecuteScalar() is string result && result != "ok")
        {
            throw new StateStoreException(
                $"state store: {path} is corrupt ({result}): move it aside (mv '{path}' '{path}.bad') and start again with an empty state; " +
                "running replicas are then left serving and reported as orphans");
        }
    }

    public static StateStore Open(StateDirectory directory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Open(directory.DatabasePath, time);
    }

    public RolloutRecord? GetRollout(string name)
    {
        lock (_gate)
            return ReadRollout(name, null);
    }

    public IReadOnlyList<RolloutRecord> ListRollouts()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {RolloutColumns} FROM rollouts ORDER BY name;";
            using var reader = command.ExecuteReader();
            var result = new List<RolloutRecord>();
            while (reader.Read())
                result.Add(ToRollout(reader));
            return result;
        }
    }

    /// <summary>
    /// Creates (<paramref name="expectedRowVersion"/> = 0) or updates (= the row version last read) a rollout.
    /// Returns <see cref="SaveRolloutOutcome.Conflict"/> when someone saved in between, and
    /// <see cref="SaveRolloutOutcome.Failed"/> with the reason when the store cannot write (disk full, I/O error, busy).
    /// </summary>
    public SaveRolloutResult SaveRollout(string name, string spec, string statusJson, long expectedRowVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(statusJson);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRowVersion);
        var now = Format(_time.GetUtcNow());
        lock (_gate)
        {
            try
            {
                return Save(name, spec, statusJson, expectedRowVersion, now);
            }
            catch (Exception e) when (StoreFailures.IsStoreFailure(e))
            {
                return new SaveRolloutResult(SaveRolloutOutcome.Failed, null, StoreFailures.Describe(e, DatabasePath));
            }
        }
    }

    private SaveRolloutResult Save(string name, string spec, string statusJson, long expectedRowVersion, string now)
    {
        using var transaction = _connection.BeginTransaction();
        var current = ReadRollout(name, transaction);
        if ((current?.RowVersion ?? 0) != expectedRowVersion)
            return new SaveRolloutResult(SaveRolloutOutcome.Conflict, current);
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = current is null
            ? "INSERT INTO rollouts (name, spec, status, generation, row_version, created_at, updated_at) VALUES ($name, $spec, $status, 1, 1, $now, $now);"
            : """
              UPDATE rollouts SET spec = $spec, status = $status, row_version = row_version + 1, updated_at = $now,
                  generation = generation + (CASE WHEN spec = $spec THEN 0 ELSE 1 END)
              WHERE name = $name;
              """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$spec", spec);
        command.Parameters.AddWithValue("$status", statusJson);
        command.Parameters.AddWithValue("$now", now);
        command.ExecuteNonQuery();
        var saved = ReadRollout(name, transaction)!;
        transaction.Commit();
        return new SaveRolloutResult(current is null ? SaveRolloutOutcome.Created : SaveRolloutOutcome.Updated, saved);
    }

    /// <summary>Deletes the rollout with its revisions and events; false when it did not exist.</summary>
    public bool DeleteRollout(string name)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                DELETE FROM revisions WHERE rollout = $name;
                DELETE FROM events WHERE rollout = $name;
                DELETE FROM rollouts WHERE name = $name;
                SELECT changes();
                """;
            command.Parameters.AddWithValue("$name", name);
            var deleted = (long)command.ExecuteScalar()! > 0;
            transaction.Commit();
            return deleted;
        }
    }

    public void Dispose() => _connection.Dispose();

    private const string RolloutColumns = "name, spec, status, generation, row_version, created_at, updated_at";

    private RolloutRecord? ReadRollout(string name, SqliteTransaction? transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {RolloutColumns} FROM rollouts WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ToRollout(reader) : null;
    }

    private static RolloutRecord ToRollout(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), Parse(r.GetString(5)), Parse(r.GetString(6)));

    private static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) =>
        DateTimeOffset.ParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
