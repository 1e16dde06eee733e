using Canaria.Gateway.FastPath;
using Canaria.Gateway.Health;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>The idle-close age the fast path learns per upstream, on a hand-moved clock (no sockets: only the bookkeeping).</summary>
public sealed class UpstreamPoolLearningTests
{
    private sealed class Clock : TimeProvider
    {
        public long Now { get; set; } = 1_000_000;
        public override long TimestampFrequency => 1_000; // milliseconds
        public override long GetTimestamp() => Now;
    }

    [Fact]
    public void SafeAge_YoungCloseFromARestartThenOnlyLongIdleCloses_ForgottenAfterAMinute()
    {
        var clock = new Clock();
        var pool = new UpstreamPool(new EndpointState("127.0.0.1:1"), clock);
        Assert.Equal(long.MaxValue, pool.SafeAgeNow()); // nothing learned: any idle connection may be taken

        pool.NoteClosedAt(4); // a replica restart closed a connection idle for 4 ms
        Assert.Equal(2, pool.SafeAgeNow());

        for (var i = 0; i < 12; i++) // the upstream's real keep-alive (5 s) closes connections every 10 s from now on
        {
            clock.Now += 10_000;
            pool.NoteClosedAt(5_000);
        }

        Assert.Equal(2_500, pool.SafeAgeNow()); // the restart's 4 ms no longer rules after a minute without another
    }

    [Fact]
    public void SafeAge_SameShortCloseSeenAgain_Kept()
    {
        var clock = new Clock();
        var pool = new UpstreamPool(new EndpointState("127.0.0.1:1"), clock);
        pool.NoteClosedAt(20);
        for (var i = 0; i < 12; i++)
        {
            clock.Now += 10_000;
            pool.NoteClosedAt(i % 2 == 0 ? 20 : 5_000);
        }

        Assert.Equal(10, pool.SafeAgeNow());
    }
}
