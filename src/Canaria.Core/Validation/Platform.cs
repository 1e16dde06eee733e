namespace Canaria.Core.Validation;

/// <summary>Where a rollout runs; decides which parts of the spec are required.</summary>
internal enum Platform
{
    Local,
    Kubernetes,
}
