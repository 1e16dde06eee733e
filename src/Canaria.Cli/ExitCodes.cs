namespace Canaria.Cli;

/// <summary>The documented exit codes of every `canaria` command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The controller refused the operation (e.g. promote with no release in progress), or the demo did not go as expected.</summary>
    public const int Refused = 1;

    /// <summary>Bad usage or an invalid spec (every problem is printed with its field path).</summary>
    public const int Invalid = 2;

    /// <summary>No controller answers for this state directory.</summary>
    public const int Unreachable = 3;

    /// <summary>The named rollout does not exist.</summary>
    public const int NotFound = 4;
}
