using Canaria.Local.Controller;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Controller;

public sealed class StoreHealthTests
{
    [Fact]
    public void Failed_EveryTickForThreeMinutes_LoggedOncePerMinuteThenRecoveredOnce()
    {
        var clock = new SteppedClock();
        var log = new LineLogger();
        var health = new StoreHealth(clock, log);

        for (var tick = 0; tick < 1800; tick++) // 100 ms ticks
        {
            if (health.ShouldTry()) health.Failed("state store: disk full at /s/canaria.db");
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        health.Succeeded();
        health.Succeeded();

        Assert.Equal(3, log.Lines.Count(l => l.Contains("disk full at /s/canaria.db: statuses are not stored", StringComparison.Ordinal)));
        Assert.Equal(1, log.Lines.Count(l => l.Contains("works again", StringComparison.Ordinal)));
        Assert.Null(health.Failure);
    }

    [Fact]
    public void ShouldTry_WhileFailing_AtMostOncePerSecond()
    {
        var clock = new SteppedClock();
        var health = new StoreHealth(clock, new LineLogger());
        Assert.True(health.ShouldTry());

        health.Failed("state store: busy");
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(health.ShouldTry());
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(health.ShouldTry());
    }

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
