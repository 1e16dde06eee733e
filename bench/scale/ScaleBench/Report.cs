using System.Globalization;

namespace Canaria.Bench.Scale;

/// <summary>The benchmark's table (Markdown, printed at the end; each row also as it is measured).</summary>
internal sealed class Report
{
    private readonly List<string> _rows = [];
    private readonly List<string> _notes = [];

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    public void Row(string what, string count, string value)
    {
        var row = $"| {what} | {count} | {value} |";
        Console.Error.WriteLine(row);
        _rows.Add(row);
    }

    public void Note(string note)
    {
        Console.Error.WriteLine(note);
        _notes.Add(note);
    }

    public void Latency(string what, IReadOnlyList<double> seconds, int expected)
    {
        string P(double q) => seconds.Count == 0 ? "-" : seconds[Math.Min(seconds.Count - 1, (int)Math.Ceiling(q * seconds.Count) - 1)].ToString("F2", CultureInfo.InvariantCulture);
        var missing = expected - seconds.Count;
        Row(what, $"{expected}", $"p50 {P(0.5)} s, p99 {P(0.99)} s, max {P(1)} s{(missing > 0 ? $" ({missing} not within 5 min)" : "")}");
    }

    /// <summary>CPU share, memory and API requests of the controller over a window in which nothing changes.</summary>
    public async Task IdleAsync(string what, Controller controller, ApiMetrics metrics, int count, TimeSpan window, CancellationToken cancellationToken)
    {
        var requests = await metrics.CountAsync(cancellationToken);
        var cpu = controller.CpuSeconds;
        await Task.Delay(window, cancellationToken);
        var cpuShare = (controller.CpuSeconds - cpu) / window.TotalSeconds * 100;
        var perRollout = (await metrics.CountAsync(cancellationToken) - requests) / (double)count / window.TotalMinutes;
        var memory = controller.Memory;
        Row($"{what}: controller CPU", $"{count}", $"{cpuShare:F1}% of a core");
        Row($"{what}: controller RSS", $"{count}", $"{memory.Rss:F0} MB (peak {memory.Peak:F0} MB)");
        Row($"{what}: API requests per Rollout per minute (not watches)", $"{count}", perRollout.ToString("F2", CultureInfo.InvariantCulture));
    }

    public void Print()
    {
        Console.WriteLine("| measure | Rollouts | result |");
        Console.WriteLine("|---|---|---|");
        foreach (var r in _rows) Console.WriteLine(r);
        Console.WriteLine();
        foreach (var n in _notes) Console.WriteLine($"- {n}");
    }
}
