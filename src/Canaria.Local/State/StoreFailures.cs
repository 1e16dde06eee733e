using Microsoft.Data.Sqlite;

namespace Canaria.Local.State;

/// <summary>Turns SQLite and file-system errors of <c>canaria.db</c> into one line a person can act on.</summary>
internal static class StoreFailures
{
    // Primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
    private const int Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADatabase = 26;

    public static string Describe(Exception error, string path) => error switch
    {
        SqliteException e => (e.SqliteErrorCode & 0xff) switch
        {
            Full => $"state store: disk full at {path}",
            IoError => $"state store: I/O error at {path} ({Reason(e)})",
            Busy or Locked => $"state store: {path} is locked by another process (busy)",
            ReadOnly => $"state store: {path} is read-only",
            Corrupt or NotADatabase => $"state store: {path} is corrupt or not a Canaria database",
            CantOpen => $"state store: cannot open {path}",
            _ => $"state store: {Reason(e)} at {path}",
        },
        IOException e when e.HResult == 28 || e.Message.Contains("No space left", StringComparison.Ordinal) => $"state store: disk full at {path}",
        _ => $"state store: {error.Message} ({path})",
    };

    /// <summary>
    /// True for a failure of the database while running (SQLite's errors only: an IOException elsewhere, such as a client
    /// that went away mid-request, is not the store's).
    /// </summary>
    public static bool IsStoreFailure(Exception error) => error is SqliteException;

    /// <summary>True for the errors that can stop the database from opening at start-up.</summary>
    public static bool IsOpenFailure(Exception error) => error is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException;

    /// <summary>What to do when the database cannot be opened at start-up.</summary>
    public static string StartupAdvice(Exception error, string path) => error switch
    {
        SqliteException e when (e.SqliteErrorCode & 0xff) is Corrupt or NotADatabase =>
            $"{Describe(error, path)}: move it aside (mv '{path}' '{path}.bad') and start again with an empty state; " +
            "running replicas are then left serving and reported as orphans",
        SqliteException e when (e.SqliteErrorCode & 0xff) is Busy or Locked =>
            $"{Describe(error, path)}: stop the other process that uses it, then start again",
        _ => $"{Describe(error, path)}: check that the file and its directory are readable and writable by this user and the disk has room",
    };

    private static string Reason(SqliteException e)
    {
        // "SQLite Error 10: 'disk I/O error'." → disk I/O error
        var message = e.Message;
        var open = message.IndexOf('\'', StringComparison.Ordinal);
        var close = message.LastIndexOf('\'');
        return open >= 0 && close > open ? message[(open + 1)..close] : message;
    }
}
