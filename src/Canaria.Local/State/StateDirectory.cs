using System.Buffers.Text;
using System.Security.Cryptography;

namespace Canaria.Local.State;

/// <summary>
/// The controller's state directory (database, replica records, replica logs, API token), private to the user.
/// Default: <c>$CANARIA_STATE_DIR</c>, else <c>$XDG_STATE_HOME/canaria</c>, else <c>~/.canaria</c>.
/// </summary>
internal sealed class StateDirectory
{
    private const UnixFileMode TokenMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private StateDirectory(string path) => Path = path;

    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, "canaria.db");

    public string TokenPath => System.IO.Path.Combine(Path, "token");

    /// <summary>Where the state lives when nothing is configured on the command line.</summary>
    public static string DefaultPath(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        if (getEnvironmentVariable("CANARIA_STATE_DIR") is { Length: > 0 } explicitDir)
            return System.IO.Path.GetFullPath(explicitDir);
        if (getEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg)
            return System.IO.Path.Combine(System.IO.Path.GetFullPath(xdg), "canaria");
        var home = getEnvironmentVariable("HOME") is { Length: > 0 } h
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return System.IO.Path.Combine(home, ".canaria");
    }

    public static StateDirectory OpenDefault() => Open(DefaultPath(Environment.GetEnvironmentVariable));

    /// <summary>
    /// Opens the directory, creating it (and missing parents) with mode 0700 when it does not exist. An existing one is
    /// tightened to 0700 when it is empty or already Canaria's (it holds the API token, the database and the replicas'
    /// logs); a folder holding other things (say, --state-dir /tmp) is left as it is.
    /// </summary>
    public static StateDirectory Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var ours = !Directory.Exists(full) || !Directory.EnumerateFileSystemEntries(full).Any()
            || File.Exists(System.IO.Path.Combine(full, "canaria.db")) || File.Exists(System.IO.Path.Combine(full, "token"));
        if (ours)
            PrivateFiles.CreateDirectory(full);
        return new StateDirectory(full);
    }

    /// <summary>
    /// Returns the API token, creating the token file (0600, 32 random bytes base64url) on first use.
    /// Safe against a concurrent first use by another process: the file appears atomically, complete.
    /// </summary>
    public string EnsureToken()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (TryReadToken() is { } existing)
                return existing;
            var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            var temp = System.IO.Path.Combine(Path, $".token.{Guid.NewGuid():N}.tmp");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = TokenMode;
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(token + "\n");
            try
            {
                File.Move(temp, TokenPath, overwrite: false);
                return token;
            }
            catch (IOException) when (File.Exists(TokenPath))
            {
                File.Delete(temp); // another process won the race: use its token
            }
        }
        throw new IOException($"cannot create or read the API token file {TokenPath}");
    }

    private string? TryReadToken()
    {
        if (!File.Exists(TokenPath))
            return null;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(TokenPath) & ~TokenMode) != 0)
            File.SetUnixFileMode(TokenPath, TokenMode);
        var text = File.ReadAllText(TokenPath).Trim();
        return text.Length > 0 ? text : throw new InvalidDataException($"the API token file {TokenPath} is empty; delete it to create a new token");
    }
}
