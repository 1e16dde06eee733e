using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Release.Loop;

/// <summary>What one pass starts from: the valid spec, the status as applied now, the spec's revision and a pending command.</summary>
internal sealed record ReleaseInput(RolloutSpec Spec, RolloutStatus? Status, int SpecRevision, DateTimeOffset Now)
{
    public PendingCommand? Command { get; init; }

    /// <summary>How this platform's messages name the split's confirmation and the commands (default: the local platform's, unnamed).</summary>
    public Core.Engine.MessageVoice? Voice { get; init; }
}
