namespace Canaria.Kubernetes.Routing;

/// <summary>
/// What planning one Istio object found: whether it must be written (the object was changed in place), why it cannot be
/// (nothing changed then), and what it carried before the change (canary weight, test-user routes, mirror percent).
/// </summary>
internal sealed record IstioPlanResult(bool Changed, string? Error = null, int Weight = 0, int Matches = 0, int Mirror = 0)
{
    public static IstioPlanResult Fail(string error) => new(false, error);
}
