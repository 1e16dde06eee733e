namespace Canaria.Gateway.Managed;

/// <summary>Body of <c>PUT /marks</c>: remember the totals of <see cref="Versions"/> of <see cref="Service"/> under <see cref="Key"/>.</summary>
internal sealed record MarkRequest(string Key, string Group, string Service, IReadOnlyList<string> Versions);
