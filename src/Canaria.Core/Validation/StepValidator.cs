using Canaria.Core.Model;

namespace Canaria.Core.Validation;

internal static class StepValidator
{
    public static void Validate(RolloutSpec spec, Action<string, string> add)
    {
        var strategy = spec.Strategy;
        var root = strategy.Kind == StrategyKind.BlueGreen ? "spec.strategy.blueGreen" : "spec.strategy.canary";
        if (strategy.Kind == StrategyKind.Canary && strategy.Steps.Count == 0)
            add($"{root}.steps", "needs at least one step (e.g. - traffic: 10 then - pause: {})");

        string? carried = null; // the step that last wrote a split giving the canary traffic (null: none, or it wrote 0)
        for (var i = 0; i < strategy.Steps.Count; i++)
        {
            var step = strategy.Steps[i];
            var at = $"{root}.steps[{i}]";
            if (step.Traffic is not null || step.Weights is not null)
                carried = step.Traffic > 0 || step.Weights?.Canary > 0 ? $"{root}.steps[{i}]" : null;
            else if (carried is not null && step.Replicas is { } none && none.Resolve(spec.Replicas) == 0)
                add($"{at}.replicas", $"is 0 but the step keeps the canary's traffic written in {carried}: write traffic: 0 too, or give the canary replicas");
            if (step.Traffic is { } traffic)
            {
                if (traffic > 100) add($"{at}.traffic", $"{traffic}% is more than 100%");
                else if (traffic < 0) add($"{at}.traffic", $"{traffic}% is less than 0%");
            }
            if (step.Weights is { } weights)
            {
                if (step.Traffic is not null)
                    add($"{at}.weights", "cannot be set together with traffic: write the split either as a percentage (traffic) or as weights");
                if (weights.Stable < 0) add($"{at}.weights.stable", $"{weights.Stable} is negative");
                if (weights.Canary < 0) add($"{at}.weights.canary", $"{weights.Canary} is negative");
                if (weights.Stable == 0 && weights.Canary == 0)
                    add($"{at}.weights", "stable and canary are both 0: at least one version must get traffic (0/1 sends all to the canary)");
            }
            if (step.Mirror is < 0 or > 100)
                add($"{at}.mirror", $"{step.Mirror}% must be between 0% and 100%");
            if (step.Replicas is { } replicas)
            {
                if (replicas.Value < 0) add($"{at}.replicas", $"{replicas} is negative");
                else if (replicas.IsPercent && replicas.Value > 100) add($"{at}.replicas", $"{replicas} is more than 100%");
                else if (!replicas.IsPercent && replicas.Value > spec.Replicas)
                    add($"{at}.replicas", $"{replicas} is more than spec.replicas ({spec.Replicas})");
                else if (strategy.Kind == StrategyKind.BlueGreen && replicas.Resolve(spec.Replicas) != spec.Replicas)
                    add($"{at}.replicas", $"{replicas}: a blue-green release runs the new version at full size (100%) before any traffic");
            }
            if (step.Pause?.Duration is { } d && d <= TimeSpan.Zero)
                add($"{at}.pause.duration", "must be longer than zero (omit it to wait for a human)");
            if (step.Replicas is { } r && r.Resolve(spec.Replicas) == 0 && (step.Traffic > 0 || step.Weights?.Canary > 0 || step.Mirror > 0 || step.Matches.Count > 0))
                add($"{at}.replicas", "is 0 but the step sends traffic to the canary");
            for (var m = 0; m < step.Matches.Count; m++) ValidateMatch(step.Matches[m], $"{at}.matches[{m}]", add);
        }
    }

    private static void ValidateMatch(MatchSpec match, string at, Action<string, string> add)
    {
        var kind = match.Kind.ToString().ToLowerInvariant();
        if (match.Name.Length == 0)
            add($"{at}.{kind}.name", $"must not be empty: name the {kind} to match");
        else if (match.Name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ':' or ';' or '=' or ','))
            add($"{at}.{kind}.name", $"'{match.Name}' is not a valid {kind} name");
        if (match.Operator == MatchOperator.Regex)
        {
            if (UserRegex.Check(match.Value) is { } problem) add($"{at}.{kind}.regex", problem);
        }
        else if (match.Value.Length == 0)
        {
            add($"{at}.{kind}.{match.Operator.ToString().ToLowerInvariant()}", "must not be empty");
        }
    }
}
