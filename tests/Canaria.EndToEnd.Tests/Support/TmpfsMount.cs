using System.Diagnostics;

namespace Canaria.EndToEnd.Tests.Support;

/// <summary>
/// A real, small filesystem (tmpfs) to fill up. Mounting needs root, which the tests have here and in CI; a failed
/// mount fails the test loudly instead of skipping it.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("canaria-tmpfs-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path);
        Assert.True(code == 0, $"mounting a {megabytes} MiB tmpfs at {path} failed (exit {code}: {output}); these tests need root to make a real full filesystem");
        return new TmpfsMount(path);
    }

    /// <summary>Writes a file until the filesystem is full (ENOSPC); returns its path.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var chunk = new byte[64 * 1024];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true) stream.Write(chunk);
        }
        catch (IOException)
        {
            // full; now the last partial chunk
        }
        for (var size = chunk.Length / 2; size > 0; size /= 2)
        {
            try
            {
                stream.Write(chunk, 0, size);
            }
            catch (IOException)
            {
            }
        }
        return filler;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Trim());
    }
}
