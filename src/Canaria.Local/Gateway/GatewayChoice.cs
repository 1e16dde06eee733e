namespace Canaria.Local.Gateway;

/// <summary>
/// Which program runs the gateway process: the native <c>canaria-gateway</c> (<see cref="NativeExecutable"/>), or
/// canaria itself (<see cref="CanariaCommand"/>), with the reason in <see cref="FallbackReason"/>.
/// </summary>
internal sealed record GatewayChoice(IReadOnlyList<string> Command, string? NativeExecutable, string? FallbackReason, IReadOnlyList<string> CanariaCommand)
{
    /// <summary>Canaria runs the gateway from now on, for <paramref name="reason"/>.</summary>
    public GatewayChoice WithoutNative(string reason) => new(CanariaCommand, null, reason, CanariaCommand);

    /// <summary>One line for a person: what runs the gateway, and if it is not the native executable, why.</summary>
    public string Describe() => NativeExecutable is not null
        ? $"gateway: the native {GatewayExecutable.FileName} ({NativeExecutable})"
        : $"gateway: runs inside canaria, not as the native {GatewayExecutable.FileName}: {FallbackReason}";
}
