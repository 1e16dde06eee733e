using Canaria.Core.Validation;

namespace Canaria.Local.Controller;

/// <summary>The answer to an API request: done (with a message), or refused with the reasons; a refusal changed nothing.</summary>
/// <para><see cref="Unavailable"/>: the state store could not write (the API answers 503 with the reason).</para>
internal sealed record ControllerReply(bool Ok, string Message, IReadOnlyList<FieldError> Errors, bool NotFound = false, bool Unavailable = false)
{
    public static ControllerReply StoreUnavailable(string message) => new(false, message, [], Unavailable: true);

    public static ControllerReply Done(string message) => new(true, message, []);

    public static ControllerReply Refused(string message) => new(false, message, []);

    public static ControllerReply Invalid(IReadOnlyList<FieldError> errors) =>
        new(false, $"the spec was rejected ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}); nothing was changed", errors);

    public static ControllerReply Missing(string name) => new(false, $"rollout '{name}' not found", [], NotFound: true);
}
