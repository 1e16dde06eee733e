using System.Globalization;
using System.Net;

namespace Canaria.SampleApp;

/// <summary>Parses <c>--name value</c> / <c>--name=value</c> arguments and SAMPLE_* environment variables (arguments win).</summary>
internal static class SampleOptionsParser
{
    public const string Usage = """
        usage: sample-app --port N [options]
          --port N                  port to listen on (required; 0 picks a free one)      SAMPLE_PORT
          --address IP              address to bind (default 127.0.0.1)                   SAMPLE_ADDRESS
          --version LABEL           version label reported by GET / (default v1)          SAMPLE_VERSION
          --instance NAME           instance name (default <version>-<pid>)               SAMPLE_INSTANCE
          --error-rate R            fraction 0..1 of GET / answered 500                   SAMPLE_ERROR_RATE
          --latency-ms N            latency added to GET /                                SAMPLE_LATENCY_MS
          --latency-jitter-ms N     random extra latency 0..N                             SAMPLE_LATENCY_JITTER_MS
          --startup-delay-ms N      /healthz answers 503 until N ms after start           SAMPLE_STARTUP_DELAY_MS
          --crash-after-seconds S   exit with code 3 after S seconds                      SAMPLE_CRASH_AFTER_SECONDS
          --crash-after-requests N  exit with code 3 after serving N application requests SAMPLE_CRASH_AFTER_REQUESTS
          --protocol P              http (HTTP/1.1, default) or h2c (HTTP/2 with prior     SAMPLE_PROTOCOL
                                    knowledge: gRPC canaria.sample.Sample/Hello and /Count,
                                    which fail with UNAVAILABLE at the error rate)
        """;

    private static readonly string[] Names =
    [
        "port", "address", "version", "instance", "error-rate", "latency-ms", "latency-jitter-ms",
        "startup-delay-ms", "crash-after-seconds", "crash-after-requests", "protocol",
    ];

    public static SampleOptionsResult Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironment, int processId)
    {
        // name -> (value, how the user wrote it, for error messages)
        var raw = new Dictionary<string, (string Value, string Source)>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            var envName = "SAMPLE_" + name.Replace('-', '_').ToUpperInvariant();
            if (getEnvironment(envName) is { Length: > 0 } envValue)
                raw[name] = (envValue, envName);
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
                return SampleOptionsResult.Help();
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                return SampleOptionsResult.Fail($"unexpected argument '{arg}' (options start with --)");
            var body = arg[2..];
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var name = eq >= 0 ? body[..eq] : body;
            if (Array.IndexOf(Names, name) < 0)
                return SampleOptionsResult.Fail($"unknown option '--{name}'");
            string value;
            if (eq >= 0)
                value = body[(eq + 1)..];
            else if (i + 1 < args.Count)
                value = args[++i];
            else
                return SampleOptionsResult.Fail($"option '--{name}' needs a value");
            raw[name] = (value, "--" + name);
        }

        return Build(raw, processId);
    }

    private static SampleOptionsResult Build(Dictionary<string, (string Value, string Source)> raw, int processId)
    {
        if (!raw.ContainsKey("port"))
            return SampleOptionsResult.Fail("option '--port' is required (or set SAMPLE_PORT)");
        string? error = null;
        var portValue = Integer(raw, "port", 0, 65535, ref error) ?? 0;
        var address = IPAddress.Loopback;
        if (raw.TryGetValue("address", out var a) && !IPAddress.TryParse(a.Value, out address))
            error ??= $"option '{a.Source}' must be an IP address (got '{a.Value}')";
        var version = raw.TryGetValue("version", out var v) ? v.Value : "v1";
        if (string.IsNullOrWhiteSpace(version))
            error ??= $"option '{v.Source}' must not be empty";
        var errorRate = Number(raw, "error-rate", 0, 1, ref error) ?? 0;
        var latency = Integer(raw, "latency-ms", 0, 600_000, ref error) ?? 0;
        var jitter = Integer(raw, "latency-jitter-ms", 0, 600_000, ref error) ?? 0;
        var startupDelay = Integer(raw, "startup-delay-ms", 0, 3_600_000, ref error) ?? 0;
        var crashSeconds = Number(raw, "crash-after-seconds", 0, 1e7, ref error);
        var crashRequests = Integer(raw, "crash-after-requests", 1, int.MaxValue, ref error);
        var protocol = raw.TryGetValue("protocol", out var p) ? p.Value : "http";
        if (protocol is not ("http" or "h2c"))
            error ??= $"option '{p.Source}' must be http or h2c (got '{protocol}')";
        if (error is not null)
            return SampleOptionsResult.Fail(error);
        return SampleOptionsResult.Ok(new SampleOptions
        {
            Port = portValue,
            Address = address!,
            Version = version,
            Instance = raw.TryGetValue("instance", out var inst) && inst.Value.Length > 0
                ? inst.Value
                : $"{version}-{processId}",
            ErrorRate = errorRate,
            LatencyMs = latency,
            LatencyJitterMs = jitter,
            StartupDelayMs = startupDelay,
            CrashAfterSeconds = crashSeconds,
            CrashAfterRequests = crashRequests,
            Http2Only = protocol == "h2c",
        });
    }

    private static int? Integer(Dictionary<string, (string Value, string Source)> raw, string name, int min, int max, ref string? error)
    {
        if (!raw.TryGetValue(name, out var entry))
            return null;
        if (int.TryParse(entry.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        error ??= $"option '{entry.Source}' must be an integer between {min} and {max} (got '{entry.Value}')";
        return null;
    }

    private static double? Number(Dictionary<string, (string Value, string Source)> raw, string name, double min, double max, ref string? error)
    {
        if (!raw.TryGetValue(name, out var entry))
            return null;
        if (double.TryParse(entry.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        error ??= $"option '{entry.Source}' must be a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} (got '{entry.Value}')";
        return null;
    }
}
