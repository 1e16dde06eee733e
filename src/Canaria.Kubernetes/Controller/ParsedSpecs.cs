using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Canaria.Core.Serialization;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// The parsed spec of each Rollout, kept until its metadata.generation (or uid) changes: the API server bumps the
/// generation on every spec change and never on a status write, so a reconcile that only observes parses nothing.
/// </summary>
internal sealed class ParsedSpecs
{
    private readonly ConcurrentDictionary<string, (string Uid, long Generation, ParseResult Parsed)> _byKey = new(StringComparer.Ordinal);

    public ParseResult Get(JsonObject rollout, string ns, string name, Func<ParseResult> parse)
    {
        var key = $"{ns}/{name}";
        var typed = RolloutObject.Of(rollout);
        var uid = typed.Uid ?? "";
        var generation = typed.Generation;
        if (generation >= 0 && _byKey.TryGetValue(key, out var cached) && cached.Uid == uid && cached.Generation == generation)
        {
            return cached.Parsed;
        }
        var parsed = parse();
        _byKey[key] = (uid, generation, parsed);
        return parsed;
    }

    public void Forget(string ns, string name) => _byKey.TryRemove($"{ns}/{name}", out _);
}
