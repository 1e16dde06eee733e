namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>
/// The rollout end-to-end tests each start a whole controller with real replica processes; they share few
/// cores, so they run one after another (timing-sensitive assertions stay honest).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalControllerCollection
{
    public const string Name = "local controller";
}
