using System.Text.Json;
using Canaria.Core.Serialization;

namespace Canaria.Local.Api;

/// <summary>What a running controller writes to its state directory so the CLI can find it.</summary>
internal sealed record ControllerInfo(string ApiAddress, int Pid, DateTimeOffset StartedAt)
{
    public const string FileName = "controller.json";

    public static ControllerInfo? Read(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ControllerInfo>(File.ReadAllText(path), CoreJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write(string stateDirectory)
    {
        State.PrivateFiles.WriteAllText(Path.Combine(stateDirectory, FileName), JsonSerializer.Serialize(this, CoreJson.Options)); // 0600
    }
}
