using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

/// <summary>A web check with a token from a mounted file (as a Secret volume gives it): sent, and never shown.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class WebCheckAuthTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task WebCheck_TokenFromSecretFile_SentAsBearerAndNeverInStatusEventsOrLog()
    {
        var token = "tok-" + Guid.NewGuid().ToString("N");
        var file = Path.Combine(Path.GetTempPath(), "canaria-k8s-token-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(file, token + "\n");
        var authorized = 0;
        await using var source = await TestHttpServer.StartAsync(async ctx =>
        {
            if (ctx.Request.Headers.Authorization != $"Bearer {token}")
            {
                ctx.Response.StatusCode = 401;
                return;
            }
            Interlocked.Increment(ref authorized);
            await ctx.Response.WriteAsJsonAsync(new { data = new { value = 0.01 } });
        });
        try
        {
            await using var s = await RolloutScenario.StartAsync(cluster, "webauth");
            await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v1"), ready: 2);
            var rollout = RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["traffic"] = 50 });
            rollout["spec"]!["analysis"] = new JsonObject
            {
                ["interval"] = "1s",
                ["stepPasses"] = 2,
                ["checks"] = new JsonArray(new JsonObject
                {
                    ["name"] = "errors",
                    ["provider"] = "web",
                    ["url"] = source.Url("/errors?ns={{namespace}}&version={{version}}"),
                    ["jsonPath"] = "$.data.value",
                    ["max"] = 0.05,
                    ["auth"] = new JsonObject { ["secretFile"] = file },
                }),
            };
            (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace, rollout)).ValueOrThrow();
            await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "the rollout to adopt v1");

            (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v2"))).ValueOrThrow();

            var done = await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && r["status"]?["canaryRevision"] is null
                && Objects.Int(r, "status", "stableRevision") == 2, "the release to pass its web check and complete");
            Assert.True(Volatile.Read(ref authorized) >= 2);
            var evidence = (string?)AnalysisObjects.Check(done, "errors")!["evidence"];
            Assert.Contains("$.data.value of " + source.Url("/errors"), evidence);
            Assert.DoesNotContain("?", evidence); // never the query string: it may carry tokens
            var events = string.Join("\n", (await s.EventsOfAsync("myapp")).Select(e => e.ToJsonString()));
            Assert.DoesNotContain(token, done.ToJsonString());
            Assert.DoesNotContain(token, events);
            Assert.DoesNotContain(token, s.Log.Tail());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
