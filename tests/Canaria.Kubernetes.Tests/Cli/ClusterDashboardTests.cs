using System.Net;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.Playwright;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>
/// `kubectl canaria dashboard` against the real control plane and the Rollout controller, in a real browser (Debian's
/// chromium). The restricted user is a ServiceAccount whose token the kube-apiserver authenticates and whose Role RBAC
/// enforces (see <see cref="ServiceAccountKubeconfig"/>).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterDashboardTests(ControlPlaneFixture cluster)
{
    private static readonly string[] Read = ["get", "list", "watch"];

    /// <summary>A Rollout paused at its manual step 1 (v3 canary next to v2 stable), and a second Rollout whose Deployment does not exist.</summary>
    private static async Task<RolloutScenario> PausedReleaseAsync(ControlPlaneFixture cluster, string prefix)
    {
        var s = await RolloutScenario.StartAsync(cluster, prefix);
        try
        {
            await s.CreateDeploymentAsync(RolloutObjects.Deployment("myapp", 2, "app:v2"), ready: 2);
            (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace,
                RolloutObjects.Rollout("myapp", "myapp", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
            (await s.Client.CreateAsync(RolloutResource.Rollouts, s.Namespace,
                RolloutObjects.Rollout("orphan", "nope", new JsonObject { ["replicas"] = 1, ["pause"] = new JsonObject() }))).ValueOrThrow();
            await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy", "v2 adopted as stable");
            (await s.Client.PatchAsync(KubeResource.Deployments, s.Namespace, "myapp", PatchType.StrategicMerge, RolloutObjects.SetImage("app:v3"))).ValueOrThrow();
            await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Paused", "paused at step 1 with v3 as canary");
            return s;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the printed link (the address bar then holds no code) and checks the same link is refused a second time.</summary>
    internal static async Task<IPage> LogInAsync(DashboardBrowser browser, ClusterDashboardProcess dashboard)
    {
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(dashboard.LoginLink.ToString());
        Assert.True(response!.Ok, $"the login link answered {response.Status}");
        Assert.Equal(dashboard.Root.ToString(), page.Url); // the code left the address bar
        await Assertions.Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        var again = await browser.NewPageAsync(); // the link works once
        Assert.Equal(401, (await again.GotoAsync(dashboard.LoginLink.ToString()))!.Status);
        await Assertions.Expect(again.Locator(".error")).ToContainTextAsync("already used");
        await Assertions.Expect(again.Locator(".next")).ToContainTextAsync("Press Enter");
        return page;
    }

    [Fact]
    public async Task Dashboard_UserWithoutPatch_ListsTheNamespaceAndShowsTheApiRefusal()
    {
        await using var s = await PausedReleaseAsync(cluster, "dash-viewer");
        var elsewhere = await cluster.CreateNamespaceAsync("dash-other");
        (await s.Client.CreateAsync(RolloutResource.Rollouts, elsewhere, RolloutObjects.Rollout("stranger", "x", new JsonObject { ["replicas"] = 1 }))).ValueOrThrow();
        var viewer = await ServiceAccountKubeconfig.CreateAsync(cluster, s.Namespace, "viewer", new JsonArray(
            ServiceAccountKubeconfig.Rule("canaria.dev", ["rollouts"], Read),
            ServiceAccountKubeconfig.Rule("apps", ["deployments", "replicasets"], Read),
            ServiceAccountKubeconfig.Rule("", ["events"], Read)));
        using var dashboard = await ClusterDashboardProcess.StartAsync(viewer, s.Namespace);

        using (var http = new HttpClient())
        {
            using var page = await http.GetAsync(dashboard.Root);
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
            using var api = await http.GetAsync(new Uri(dashboard.Root, "api/rollouts"));
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
            using var wrong = await http.GetAsync(new Uri(dashboard.Root, "login?code=" + new string('0', 43)));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        await using var browser = await DashboardBrowser.LaunchAsync();
        var list = await LogInAsync(browser, dashboard);
        await Assertions.Expect(list.Locator("#platform")).ToContainTextAsync(s.Namespace);
        await Assertions.Expect(list.Locator("tr[data-rollout]")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Assertions.Expect(list.Locator("tr[data-rollout='myapp'] [data-testid=phase]")).ToHaveTextAsync("Paused");
        await Assertions.Expect(list.Locator("tr[data-rollout='orphan']")).ToContainTextAsync("Deployment nope not found");
        await Assertions.Expect(list.Locator("tr[data-rollout='myapp']")).ToContainTextAsync("app:v3: 1/1 ready");

        await list.GotoAsync(dashboard.Root + "#/rollouts/myapp");
        await Assertions.Expect(list.Locator("h1")).ToContainTextAsync("myapp", new() { Timeout = 15_000 });
        await Assertions.Expect(list.Locator("ol.pipeline li")).ToHaveCountAsync(2);
        await list.ClickAsync("button[data-op='abort']");
        await list.ClickAsync("#confirm-ok");
        var answer = list.Locator("[data-testid=answer]");
        await Assertions.Expect(answer).ToContainTextAsync("refused (403)", new() { Timeout = 30_000 });
        await Assertions.Expect(answer).ToContainTextAsync("may not patch rollouts.canaria.dev");
        await Assertions.Expect(answer).ToContainTextAsync($"User \"system:serviceaccount:{s.Namespace}:viewer\" cannot patch resource \"rollouts\"");
        await DashboardBrowser.ScreenshotAsync(list, "cluster-dashboard-refused.png");

        var rollout = (await s.Client.GetAsync(RolloutResource.Rollouts, s.Namespace, "myapp")).ValueOrThrow();
        Assert.Null(rollout["metadata"]?["annotations"]?[RolloutCommandAnnotation.Name]); // nothing was written
        Assert.Equal("Paused", Objects.Str(rollout, "status", "phase"));
    }

    [Fact]
    public async Task Dashboard_AdminPromotesFromThePage_ControllerCompletesTheReleaseAndThePageSaysSo()
    {
        await using var s = await PausedReleaseAsync(cluster, "dash-admin");
        using var dashboard = await ClusterDashboardProcess.StartAsync(cluster.KubeconfigPath, s.Namespace);
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await LogInAsync(browser, dashboard);
        await page.GotoAsync(dashboard.Root + "#/rollouts/myapp");
        await Assertions.Expect(page.Locator("[data-testid=phase]")).ToHaveTextAsync("Paused", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=split]")).ToContainTextAsync("app:v3 (canary)");
        await Assertions.Expect(page.Locator("[data-testid=signals-note]")).ToContainTextAsync("--prometheus URL"); // how to get charts
        await DashboardBrowser.ScreenshotAsync(page, "cluster-dashboard.png");

        // Without the page's CSRF token the same operation is refused before it reaches the cluster.
        var forged = await page.APIRequest.PostAsync(dashboard.Root + "api/rollouts/myapp/promote");
        Assert.Equal(403, forged.Status);

        await page.ClickAsync("button[data-op='promote']");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("[data-testid=answer]")).ToContainTextAsync("done", new() { Timeout = 60_000 });
        await s.WaitForRolloutAsync("myapp", r => Objects.Str(r, "status", "phase") == "Healthy" && Objects.Int(r, "status", "stableRevision") == 2,
            "v3 stable after the page's promote");
        await Assertions.Expect(page.Locator("[data-testid=phase]")).ToHaveTextAsync("Healthy", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#history")).ToContainTextAsync("promote", new() { Timeout = 15_000 }); // the controller's event, as history
        await Assertions.Expect(page.Locator("#revisions")).ToContainTextAsync("app:v3");
    }
}
