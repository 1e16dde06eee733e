using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Release.Specs;

/// <summary>Parse and validate, the same for both platforms: every problem at once, none reported twice.</summary>
internal static class SpecCheck
{
    /// <summary>
    /// The parsed document (after <paramref name="adjust"/>, e.g. replicas from the Deployment) and every error: the parser's,
    /// then the validator's — also for a document that parsed with errors (e.g. an unknown field), except under a field the
    /// parser already reported.
    /// </summary>
    public static (RolloutDocument? Document, List<FieldError> Errors) Check(ParseResult parsed, Platform platform, Func<RolloutDocument, RolloutDocument>? adjust = null)
    {
        var errors = parsed.Errors.ToList();
        if (parsed.Document is not { } doc) return (null, errors);
        if (adjust is not null) doc = adjust(doc);
        errors.AddRange(RolloutValidator.Validate(doc, platform).Where(v => !parsed.Errors.Any(p => Under(v.Field, p.Field))));
        return (doc, errors);
    }

    /// <summary>One line for a status message: "field: message; field: message".</summary>
    public static string Describe(IEnumerable<FieldError> errors) => string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"));

    private static bool Under(string field, string reported) =>
        field == reported || field.StartsWith(reported + ".", StringComparison.Ordinal) || field.StartsWith(reported + "[", StringComparison.Ordinal);
}
