using System.Text.Json;
using Canaria.Gateway.Config;

namespace Canaria.Gateway.Managed;

/// <summary>
/// The record of the gateway process serving a state directory (<c>gateway/gateway.json</c>): who it is and where its
/// sockets are. <see cref="Instance"/> is new for every process; its counters start at zero with it, so a reader that
/// sees another instance knows the totals restarted. <see cref="Build"/> names the program version, so a controller of
/// another build replaces it by a handover.
/// </summary>
internal sealed record ManagedGatewayInfo(int Pid, string Instance, string Build, string AdminSocket, string HandoverSocket, DateTimeOffset StartedAt)
{
    private static readonly GatewayJsonContext Json = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    /// <summary>The build of the running program: its assembly's module version id, different for every compilation.</summary>
    public static string CurrentBuild { get; } = typeof(ManagedGatewayInfo).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    public static ManagedGatewayInfo? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), Json.ManagedGatewayInfo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void Write(string path) => AtomicFile.Write(path, JsonSerializer.Serialize(this, Json.ManagedGatewayInfo));
}
