namespace Canaria.Local.State;

/// <summary>
/// The state store could not read or write <c>canaria.db</c> (disk full, I/O error, locked, corrupt). The message is
/// one line for people, e.g. "state store: disk full at /home/me/.canaria/canaria.db"; the SQLite error is inner.
/// </summary>
internal sealed class StateStoreException : Exception
{
    public StateStoreException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public StateStoreException()
    {
    }

    public StateStoreException(string message)
        : base(message)
    {
    }
}
