using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Controller;

/// <summary>Writes the engine's decisions as core/v1 Events on the Rollout (kubectl describe shows them).</summary>
internal sealed class EventRecorder(KubeClient client)
{
    private const int MaxMessage = 1024;

    public async Task RecordAsync(JsonObject rollout, RolloutEvent e, CancellationToken cancellationToken)
    {
        var ns = (string?)rollout["metadata"]?["namespace"];
        var name = (string)rollout["metadata"]!["name"]!;
        var at = e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var ev = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["generateName"] = name + ".", ["namespace"] = ns },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = RolloutResource.Rollouts.ApiVersion,
                ["kind"] = RolloutResource.Rollouts.Kind,
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = (string?)rollout["metadata"]?["uid"],
            },
            ["reason"] = e.Reason,
            ["message"] = e.Message.Length > MaxMessage ? e.Message[..MaxMessage] : e.Message,
            ["type"] = e.Type.ToString(),
            ["firstTimestamp"] = at,
            ["lastTimestamp"] = at,
            ["count"] = 1,
            ["source"] = new JsonObject { ["component"] = "canaria-controller" },
        };
        // An event that cannot be written is lost, never a reason to stop the rollout.
        await client.CreateAsync(KubeResource.Events, ns, ev, cancellationToken).ConfigureAwait(false);
    }
}
