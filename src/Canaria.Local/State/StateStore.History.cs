using Microsoft.Data.Sqlite;

namespace Canaria.Local.State;

/// <summary>Revisions and events of <see cref="StateStore"/>.</summary>
internal sealed partial class StateStore
{
    /// <summary>
    /// Records a new revision of <paramref name="rollout"/> and returns its number (1, 2, …); when the
    /// latest revision already has <paramref name="templateHash"/>, returns that number and adds nothing.
    /// </summary>
    public int AddRevision(string rollout, string templateJson, string templateHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(rollout);
        ArgumentNullException.ThrowIfNull(templateJson);
        ArgumentException.ThrowIfNullOrEmpty(templateHash);
        var now = Format(_time.GetUtcNow());
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var latest = _connection.CreateCommand();
            latest.Transaction = transaction;
            latest.CommandText = "SELECT number, template_hash FROM revisions WHERE rollout = $r ORDER BY number DESC LIMIT 1;";
            latest.Parameters.AddWithValue("$r", rollout);
            var next = 1;
            using (var reader = latest.ExecuteReader())
            {
                if (reader.Read())
                {
                    if (reader.GetString(1) == templateHash)
                        return reader.GetInt32(0);
                    next = reader.GetInt32(0) + 1;
                }
            }
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO revisions (rollout, number, template, template_hash, created_at) VALUES ($r, $n, $t, $h, $now);";
            insert.Parameters.AddWithValue("$r", rollout);
            insert.Parameters.AddWithValue("$n", next);
            insert.Parameters.AddWithValue("$t", templateJson);
            insert.Parameters.AddWithValue("$h", templateHash);
            insert.Parameters.AddWithValue("$now", now);
            insert.ExecuteNonQuery();
            transaction.Commit();
            return next;
        }
    }

    public RevisionRecord? GetRevision(string rollout, int number)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT rollout, number, template, template_hash, created_at FROM revisions WHERE rollout = $r AND number = $n;";
            command.Parameters.AddWithValue("$r", rollout);
            command.Parameters.AddWithValue("$n", number);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ToRevision(reader) : null;
        }
    }

    /// <summary>All revisions of the rollout, oldest first.</summary>
    public IReadOnlyList<RevisionRecord> ListRevisions(string rollout)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT rollout, number, template, template_hash, created_at FROM revisions WHERE rollout = $r ORDER BY number;";
            command.Parameters.AddWithValue("$r", rollout);
            using var reader = command.ExecuteReader();
            var result = new List<RevisionRecord>();
            while (reader.Read())
                result.Add(ToRevision(reader));
            return result;
        }
    }

    /// <summary>Appends an event and returns its id.</summary>
    public long AppendEvent(string rollout, DateTimeOffset timestamp, string type, string reason, string message, int? stepIndex = null, int? revision = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rollout);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO events (rollout, timestamp, type, reason, message, step_index, revision)
                VALUES ($r, $ts, $type, $reason, $message, $step, $rev);
                SELECT last_insert_rowid();
                """;
            command.Parameters.AddWithValue("$r", rollout);
            command.Parameters.AddWithValue("$ts", Format(timestamp));
            command.Parameters.AddWithValue("$type", type);
            command.Parameters.AddWithValue("$reason", reason);
            command.Parameters.AddWithValue("$message", message);
            command.Parameters.AddWithValue("$step", (object?)stepIndex ?? DBNull.Value);
            command.Parameters.AddWithValue("$rev", (object?)revision ?? DBNull.Value);
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>
    /// Events of a rollout, oldest first. Without <paramref name="sinceId"/>: the latest <paramref name="limit"/>
    /// events. With it: the first <paramref name="limit"/> events whose id is greater (for following a history).
    /// </summary>
    public IReadOnlyList<RolloutEvent> ListEvents(string rollout, int limit, long? sinceId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            const string Columns = "id, rollout, timestamp, type, reason, message, step_index, revision";
            command.CommandText = sinceId is null
                ? $"SELECT * FROM (SELECT {Columns} FROM events WHERE rollout = $r ORDER BY id DESC LIMIT $limit) ORDER BY id;"
                : $"SELECT {Columns} FROM events WHERE rollout = $r AND id > $since ORDER BY id LIMIT $limit;";
            command.Parameters.AddWithValue("$r", rollout);
            command.Parameters.AddWithValue("$limit", limit);
            command.Parameters.AddWithValue("$since", sinceId ?? 0);
            using var reader = command.ExecuteReader();
            var result = new List<RolloutEvent>();
            while (reader.Read())
            {
                result.Add(new RolloutEvent(
                    reader.GetInt64(0), reader.GetString(1), Parse(reader.GetString(2)), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7)));
            }
            return result;
        }
    }

    /// <summary>Deletes all but the latest <paramref name="keepLatest"/> events of the rollout; returns how many went.</summary>
    public int TrimEvents(string rollout, int keepLatest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepLatest);
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                DELETE FROM events WHERE rollout = $r AND id <= COALESCE(
                    (SELECT id FROM events WHERE rollout = $r ORDER BY id DESC LIMIT 1 OFFSET $keep), -1);
                """;
            command.Parameters.AddWithValue("$r", rollout);
            command.Parameters.AddWithValue("$keep", keepLatest);
            return command.ExecuteNonQuery();
        }
    }

    private static RevisionRecord ToRevision(SqliteDataReader r) =>
        new(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), Parse(r.GetString(4)));
}
