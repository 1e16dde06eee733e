namespace Canaria.Gateway.Managed;

/// <summary>Writes a file so that a reader (or a crash) sees the old content or the new one, never a mix: temp file, fsync, rename.</summary>
internal static class AtomicFile
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async ValueTask WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFile;
            var stream = new FileStream(temp, options);
            await using (stream.ConfigureAwait(false))
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void Write(string path, string text) => WriteAsync(path, text, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
