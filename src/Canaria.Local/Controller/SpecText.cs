using Canaria.Core.Model;
using Canaria.Core.Serialization;
using YamlDotNet.RepresentationModel;

namespace Canaria.Local.Controller;

/// <summary>Edits a stored spec's YAML text in place (used by undo), keeping everything else the user wrote.</summary>
internal static class SpecText
{
    public static string WithTemplate(string yaml, VersionTemplate template)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var spec = (YamlMappingNode)root.Children[new YamlScalarNode("spec")];
        spec.Children[new YamlScalarNode("template")] = ToNode(template);
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlMappingNode ToNode(VersionTemplate t)
    {
        var node = new YamlMappingNode { { "version", t.Version } };
        if (t.Command is { } command) node.Add("command", command);
        if (t.Env.Count > 0)
        {
            var env = new YamlMappingNode();
            foreach (var (k, v) in t.Env) env.Add(k, new YamlScalarNode(v) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
            node.Add("env", env);
        }
        if (t.WorkingDirectory is { } wd) node.Add("workingDirectory", wd);
        if (t.Upstreams.Count > 0) node.Add("upstreams", new YamlSequenceNode(t.Upstreams.Select(u => new YamlScalarNode(u))));
        node.Add("readiness", new YamlMappingNode
        {
            { "path", t.Readiness.Path },
            { "period", Durations.Format(t.Readiness.Period) },
            { "timeout", Durations.Format(t.Readiness.Timeout) },
        });
        return node;
    }
}
