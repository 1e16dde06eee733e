using YamlDotNet.RepresentationModel;

namespace Canaria.Kubernetes.Client;

/// <summary>
/// Merges the kubeconfig files of $KUBECONFIG as kubectl does: the first file to define a named cluster,
/// user or context wins; current-context comes from the first file that sets it. Relative file paths in
/// each entry are made absolute against its own file's directory, so the merged config means the same.
/// </summary>
internal static class KubeConfigMerge
{
    private static readonly (string List, string Inner, string[] PathKeys)[] Lists =
    [
        ("clusters", "cluster", ["certificate-authority"]),
        ("users", "user", ["client-certificate", "client-key", "tokenFile"]),
        ("contexts", "context", []),
    ];

    public static YamlMappingNode Merge(IReadOnlyList<(YamlMappingNode Root, string BaseDirectory)> files)
    {
        var merged = new YamlMappingNode();
        foreach (var (list, inner, pathKeys) in Lists)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var entries = new YamlSequenceNode();
            foreach (var (root, baseDirectory) in files)
            {
                if (!root.Children.TryGetValue(new YamlScalarNode(list), out var l) || l is not YamlSequenceNode seq)
                {
                    continue;
                }
                foreach (var entry in seq.Children.OfType<YamlMappingNode>())
                {
                    if (KubeConfigLoader.Scalar(entry, "name") is { } name && seen.Add(name))
                    {
                        entries.Add(Absolute(entry, inner, pathKeys, baseDirectory));
                    }
                }
            }
            merged.Add(list, entries);
        }
        var current = files.Select(f => KubeConfigLoader.Scalar(f.Root, "current-context")).FirstOrDefault(c => !string.IsNullOrEmpty(c));
        if (current is not null)
        {
            merged.Add("current-context", current);
        }
        return merged;
    }

    /// <summary>A copy of the entry whose relative paths (and a relative exec command) are absolute.</summary>
    private static YamlMappingNode Absolute(YamlMappingNode entry, string inner, string[] pathKeys, string baseDirectory)
    {
        if (!entry.Children.TryGetValue(new YamlScalarNode(inner), out var body) || body is not YamlMappingNode map)
        {
            return entry;
        }
        var copy = new YamlMappingNode();
        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value;
            copy.Add(key, name is not null && pathKeys.Contains(name) && value is YamlScalarNode { Value: { Length: > 0 } path } && !Path.IsPathRooted(path)
                ? new YamlScalarNode(Path.GetFullPath(Path.Combine(baseDirectory, path)))
                : name == "exec" && value is YamlMappingNode exec ? AbsoluteCommand(exec, baseDirectory) : value);
        }
        var result = new YamlMappingNode();
        foreach (var (key, value) in entry.Children)
        {
            result.Add(key, key is YamlScalarNode { Value: var k } && k == inner ? copy : value);
        }
        return result;
    }

    private static YamlMappingNode AbsoluteCommand(YamlMappingNode exec, string baseDirectory)
    {
        var copy = new YamlMappingNode();
        foreach (var (key, value) in exec.Children)
        {
            copy.Add(key, key is YamlScalarNode { Value: "command" } && value is YamlScalarNode { Value: { Length: > 0 } command }
                && !Path.IsPathRooted(command) && command.Contains('/', StringComparison.Ordinal)
                ? new YamlScalarNode(Path.GetFullPath(Path.Combine(baseDirectory, command)))
                : value);
        }
        return copy;
    }
}
