namespace Canaria.Core.Model;

/// <summary>A replica count written either as a number (3) or as a percentage of spec.replicas ("20%").</summary>
internal readonly record struct ReplicaCount(int Value, bool IsPercent)
{
    public int Resolve(int total) =>
        IsPercent ? (int)Math.Ceiling(total * Value / 100.0) : Value;

    public override string ToString() => IsPercent ? $"{Value}%" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
