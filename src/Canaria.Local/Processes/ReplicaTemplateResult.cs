namespace Canaria.Local.Processes;

/// <summary>A template, or the reason the command line could not be turned into one.</summary>
internal sealed record ReplicaTemplateResult(ReplicaTemplate? Template, string? Error);
