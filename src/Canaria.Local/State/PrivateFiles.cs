namespace Canaria.Local.State;

/// <summary>
/// Files and folders of the state directory are the user's alone: folders 0700, files 0600, whatever the umask,
/// including files created later (replica logs, the database's -wal and -shm).
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (and missing parents) 0700, or tightens an existing one to 0700.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, DirectoryMode);
        if ((File.GetUnixFileMode(path) & ~DirectoryMode) != 0)
            File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Creates an empty file 0600 when there is none, or tightens an existing one to 0600.</summary>
    public static void CreateOrTighten(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
            }
            catch (IOException) when (File.Exists(path))
            {
                // created by someone else in between: tighten it below
            }
        }
        Tighten(path);
    }

    /// <summary>Sets an existing file to 0600 when it is readable or writable by others; a missing file is fine.</summary>
    public static void Tighten(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return;
        if ((File.GetUnixFileMode(path) & ~FileMode) != 0)
            File.SetUnixFileMode(path, FileMode);
    }

    /// <summary>Writes a whole file atomically (temp file 0600, flushed to disk, then rename).</summary>
    public static void WriteAllText(string path, string text)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        using (var stream = new FileStream(temp, options))
        {
            using (var writer = new StreamWriter(stream, leaveOpen: true))
                writer.Write(text);
            stream.Flush(flushToDisk: true); // on disk before the rename makes it the file: a crash leaves the old file or the new one
        }
        Tighten(temp);
        File.Move(temp, path, overwrite: true);
    }
}
