using Canaria.Core.Model;

namespace Canaria.Core.Validation;

internal static class WebhookValidator
{
    public static void Validate(IReadOnlyList<WebhookSpec> webhooks, Action<string, string> add)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < webhooks.Count; i++)
        {
            var w = webhooks[i];
            var at = $"spec.webhooks[{i}]";
            if (w.Name.Length > 0 && !names.Add(w.Name)) add($"{at}.name", $"'{w.Name}' is used by another webhook");
            CheckSource.Url(w.Url, $"{at}.url", required: true, add);
            if (w.Timeout < TimeSpan.FromMilliseconds(10) || w.Timeout > TimeSpan.FromMinutes(5)) add($"{at}.timeout", "must be between 10ms and 5m");
            if (w.Retries is < 0 or > 10) add($"{at}.retries", $"{w.Retries} must be between 0 and 10");
        }
    }
}
