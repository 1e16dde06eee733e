using System.Diagnostics;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>A running CLI process and the output lines it has written so far; disposing kills it.</summary>
internal sealed class CliStream(Process process) : IDisposable
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public bool HasExited => process.HasExited;

    public void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
    }
}
