namespace Canaria.Core.Validation;

/// <summary>One problem with a spec, named by its field path (e.g. spec.strategy.canary.steps[2].traffic).</summary>
internal sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
