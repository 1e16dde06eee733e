namespace Canaria.Local.State;

/// <summary>One numbered revision (pod-template-like) of a rollout; numbers start at 1 per rollout.</summary>
internal sealed record RevisionRecord(string Rollout, int Number, string TemplateJson, string TemplateHash, DateTimeOffset CreatedAt);
