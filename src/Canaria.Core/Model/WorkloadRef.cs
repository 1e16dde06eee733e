namespace Canaria.Core.Model;

internal sealed record WorkloadRef
{
    public string Kind { get; init; } = "Deployment";
    public string Name { get; init; } = "";
}
