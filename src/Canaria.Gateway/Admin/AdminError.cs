namespace Canaria.Gateway.Admin;

/// <summary>The body of an admin API refusal: <c>{"error": "..."}</c>.</summary>
internal sealed record AdminError(string Error);
