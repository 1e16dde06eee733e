namespace Canaria.Gateway.Host;

/// <summary>What <c>canaria-gateway</c> was asked to do; <see cref="Error"/> names a bad argument.</summary>
internal sealed record HostArguments(HostMode Mode, string? StateDirectory = null, bool Takeover = false, string? ListenersFrom = null, string? ConfigFile = null, string? Error = null)
{
    public const string Usage = """
        canaria-gateway: Canaria's gateway alone, compiled to native code (Native AOT).

        Usage:
          canaria-gateway [gateway] --managed --state-dir DIR [--takeover]
              the local controller's data plane, as `canaria gateway --managed` (started by `canaria run`, which prefers
              this executable when it was built from the same gateway code as itself)
          canaria-gateway [gateway] --config FILE
              a stand-alone gateway from a config file (reloaded on change), without an admin API
          canaria-gateway --build-id
              print the build of the gateway code compiled in (the controller compares it with its own)
        """;

    /// <summary>
    /// Reads the arguments <c>canaria gateway</c> takes for the same work (the launcher passes the same command line to
    /// either program); a leading <c>gateway</c> is allowed.
    /// </summary>
    public static HostArguments Parse(IReadOnlyList<string> args)
    {
        var rest = args.Count > 0 && args[0] == "gateway" ? args.Skip(1).ToList() : [.. args];
        if (rest.Count == 0) return Fail("no arguments: pass --managed --state-dir DIR, or --config FILE");
        if (rest is ["--help" or "-h"]) return new(HostMode.Help);
        if (rest is ["--build-id"]) return new(HostMode.BuildId);

        var managed = false;
        var takeover = false;
        string? stateDirectory = null, listenersFrom = null, config = null;
        for (var i = 0; i < rest.Count; i++)
        {
            var name = rest[i];
            switch (name)
            {
                case "--managed": managed = true; break;
                case "--takeover": takeover = true; break;
                case "--state-dir" or "--listeners-from" or "--config" or "-c":
                    if (i + 1 >= rest.Count || rest[i + 1].StartsWith('-')) return Fail($"{name}: a value is required");
                    var value = rest[++i];
                    if (name == "--state-dir") stateDirectory = value;
                    else if (name == "--listeners-from") listenersFrom = value;
                    else config = value;
                    break;
                default: return Fail($"{name}: unknown argument");
            }
        }
        if (managed && config is not null) return Fail("--config: cannot be used with --managed");
        if (managed)
        {
            return stateDirectory is null
                ? Fail("--state-dir: required with --managed")
                : new(HostMode.Managed, stateDirectory, takeover, listenersFrom);
        }
        if (takeover || listenersFrom is not null) return Fail("--takeover and --listeners-from: only with --managed");
        return config is null ? Fail("--config: required unless --managed") : new(HostMode.Standalone, ConfigFile: config);
    }

    private static HostArguments Fail(string error) => new(HostMode.Invalid, Error: error);
}
