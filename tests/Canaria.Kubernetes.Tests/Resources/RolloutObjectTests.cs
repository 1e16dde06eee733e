using System.Text.Json.Nodes;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Resources;

public sealed class RolloutObjectTests
{
    private static JsonObject Rollout(string metadata) => (JsonObject)JsonNode.Parse($$$"""
        {"apiVersion":"canaria.dev/v1alpha1","kind":"Rollout","metadata":{{{metadata}}},"spec":{"x-unknown":{"kept":true}},"status":{"phase":"Paused"}}
        """)!;

    [Fact]
    public void Of_FullMetadata_ReadsTypedFields()
    {
        var r = RolloutObject.Of(Rollout("""
            {"name":"myapp","namespace":"shop","uid":"u-1","generation":7,"resourceVersion":"42","deletionTimestamp":"2026-01-01T00:00:00Z",
             "finalizers":["canaria.dev/release"],"annotations":{"canaria.dev/command":"promote 1"},"managedFields":[{"manager":"kubectl","fieldsV1":{"f:spec":{}}}]}
            """));

        Assert.Equal(("myapp", "shop", "u-1", 7L, "42"), (r.Name, r.Namespace, r.Uid, r.Generation, r.ResourceVersion));
        Assert.True(r.Deleting);
        Assert.Equal(["canaria.dev/release"], r.Finalizers);
        Assert.Equal("promote 1", r.Command);
        Assert.Equal("Paused", (string?)r.Status?["phase"]);
    }

    [Fact]
    public void Of_BareMetadata_DefaultsWithoutThrowing()
    {
        var r = RolloutObject.Of(Rollout("""{"name":"myapp"}"""));

        Assert.Equal(("myapp", null, -1L, false, null), (r.Name, r.Namespace, r.Generation, r.Deleting, r.Command));
        Assert.Empty(r.Finalizers);
    }

    [Fact]
    public void Of_ReadingTyped_LeavesTheJsonAsItWas()
    {
        var json = Rollout("""{"name":"myapp","annotations":{"a":"b"},"x-future":{"n":1}}""");
        var before = json.ToJsonString();

        var r = RolloutObject.Of(json);

        Assert.Same(json, r.Json);
        Assert.Equal(before, r.Json.ToJsonString());
    }
}
