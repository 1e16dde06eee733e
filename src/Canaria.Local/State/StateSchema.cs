using Microsoft.Data.Sqlite;

namespace Canaria.Local.State;

/// <summary>Schema migrations of <c>canaria.db</c>; migration N brings the schema to version N.</summary>
internal static class StateSchema
{
    private static readonly string[] Migrations =
    [
        // 1: rollouts, revisions, events
        """
        CREATE TABLE rollouts (
            name        TEXT PRIMARY KEY NOT NULL,
            spec        TEXT NOT NULL,
            status      TEXT NOT NULL,
            generation  INTEGER NOT NULL,
            row_version INTEGER NOT NULL,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        CREATE TABLE revisions (
            rollout       TEXT NOT NULL,
            number        INTEGER NOT NULL,
            template      TEXT NOT NULL,
            template_hash TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            PRIMARY KEY (rollout, number)
        );
        CREATE TABLE events (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            rollout    TEXT NOT NULL,
            timestamp  TEXT NOT NULL,
            type       TEXT NOT NULL,
            reason     TEXT NOT NULL,
            message    TEXT NOT NULL,
            step_index INTEGER NULL,
            revision   INTEGER NULL
        );
        CREATE INDEX events_by_rollout ON events (rollout, id);
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version found before.</summary>
    public static int Migrate(SqliteConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
        var current = CurrentVersion(connection);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"the state database has schema version {current}, newer than this Canaria understands ({LatestVersion}); upgrade Canaria");
        }
        for (var version = current + 1; version <= LatestVersion; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Migrations[version - 1], transaction);
            Execute(connection, "DELETE FROM schema_version;", transaction);
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO schema_version (version) VALUES ($v);";
                insert.Parameters.AddWithValue("$v", version);
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        return current;
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version;";
        return command.ExecuteScalar() is long v ? (int)v : 0;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
