using System.Text;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;

namespace Canaria.Kubernetes.Tests.Support;

/// <summary>
/// A user of the test control plane with only the permissions a Role gives it: a ServiceAccount bound to a Role, and a
/// kubeconfig that presents the account's token. The kube-apiserver authenticates that token itself (its ServiceAccount
/// token authenticator, keys from --service-account-key-file) and RBAC authorizes every request: no impersonation, no
/// check in Canaria's code.
/// </summary>
internal static class ServiceAccountKubeconfig
{
    private static readonly KubeResource ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount");
    private static readonly KubeResource Secrets = new("", "v1", "secrets", "Secret");
    private static readonly KubeResource Roles = new("rbac.authorization.k8s.io", "v1", "roles", "Role");
    private static readonly KubeResource RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding");

    /// <summary>Creates the account with <paramref name="rules"/> in <paramref name="ns"/>; returns the kubeconfig file's path.</summary>
    public static async Task<string> CreateAsync(ControlPlaneFixture cluster, string ns, string name, JsonArray rules)
    {
        var admin = cluster.Client;
        (await admin.CreateAsync(ServiceAccounts, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } })).ValueOrThrow();
        (await admin.CreateAsync(Roles, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["rules"] = rules })).ValueOrThrow();
        (await admin.CreateAsync(RoleBindings, ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = name },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name, ["namespace"] = ns }),
        })).ValueOrThrow();
        string? token = null;
        await Eventually.WaitAsync(async () =>
        {
            var secret = (string?)(await admin.GetAsync(ServiceAccounts, ns, name)).Value?["secrets"]?[0]?["name"];
            if (secret is null) return false;
            var data = (string?)(await admin.GetAsync(Secrets, ns, secret)).Value?["data"]?["token"];
            token = data is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(data));
            return token is not null;
        }, RolloutScenario.Deadline, $"the token of service account {ns}/{name}");

        var adminToken = cluster.Config.Kube.AccessToken ?? throw new InvalidOperationException("the control plane's kubeconfig has no token");
        var text = File.ReadAllText(cluster.KubeconfigPath);
        Assert.Contains("token: " + adminToken, text, StringComparison.Ordinal);
        var path = Path.Combine(cluster.Directory, $"kubeconfig-{ns}-{name}");
        File.WriteAllText(path, text.Replace("token: " + adminToken, "token: " + token, StringComparison.Ordinal));
        return path;
    }

    public static JsonObject Rule(string group, string[] resources, string[] verbs) => new()
    {
        ["apiGroups"] = new JsonArray(group),
        ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
        ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]),
    };
}
