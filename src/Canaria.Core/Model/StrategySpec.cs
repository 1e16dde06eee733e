namespace Canaria.Core.Model;

internal enum StrategyKind
{
    Canary,
    BlueGreen,
}

internal sealed record StrategySpec
{
    public StrategyKind Kind { get; init; } = StrategyKind.Canary;

    /// <summary>The steps; blue-green uses the same shape (100% replicas, 0% traffic first).</summary>
    public IReadOnlyList<StepSpec> Steps { get; init; } = [];
}
