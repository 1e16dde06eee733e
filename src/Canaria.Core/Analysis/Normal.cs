namespace Canaria.Core.Analysis;

/// <summary>The standard normal distribution's upper tail, deterministic and dependency-free (Abramowitz-Stegun 7.1.26 via erfc, error &lt; 1.5e-7).</summary>
internal static class Normal
{
    /// <summary>P(Z ≥ z) for a standard normal Z.</summary>
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        var t = 1 / (1 + (0.3275911 * x));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        return poly * Math.Exp(-x * x);
    }
}
