using Canaria.Core.Model;
using YamlDotNet.RepresentationModel;

namespace Canaria.Core.Serialization;

/// <summary>Reads one match: exactly one of header/cookie/query, with exactly one of exact/prefix/regex.</summary>
internal static class MatchYaml
{
    public static MatchSpec Read(MapReader m)
    {
        var kinds = new[] { ("header", MatchKind.Header), ("cookie", MatchKind.Cookie), ("query", MatchKind.Query) }
            .Where(k => m.Has(k.Item1)).ToList();
        if (kinds.Count != 1)
        {
            m.Error(m.Path, m.Raw(kinds.Count > 1 ? kinds[1].Item1 : "header") ?? new YamlScalarNode(),
                "must have exactly one of header, cookie or query");
            m.Raw("cookie");
            m.Raw("query");
            m.RejectUnknown();
            return new MatchSpec();
        }
        var (key, kind) = kinds[0];
        var body = m.Map(key);
        var ops = new[] { ("exact", MatchOperator.Exact), ("prefix", MatchOperator.Prefix), ("regex", MatchOperator.Regex) }
            .Select(o => (o.Item1, o.Item2, Value: body.String(o.Item1))).Where(o => o.Value is not null).ToList();
        var name = body.String("name", required: true) ?? "";
        body.RejectUnknown();
        m.RejectUnknown();
        if (ops.Count != 1)
        {
            m.Error(body.Path, m.Raw(key)!, "must have exactly one of exact, prefix or regex");
            return new MatchSpec { Kind = kind, Name = name };
        }
        return new MatchSpec { Kind = kind, Name = name, Operator = ops[0].Item2, Value = ops[0].Value! };
    }
}
