using Canaria.Local.Dashboard;

namespace Canaria.Local.Tests.Dashboard;

public sealed class DashboardSessionsTests
{
    [Fact]
    public void Create_TwoSessions_HaveDifferentRandomIdsAndCsrfTokens()
    {
        var sessions = new DashboardSessions(new ManualClock());
        var a = sessions.Create();
        var b = sessions.Create();
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.Csrf, b.Csrf);
        Assert.NotEqual(a.Id, a.Csrf);
        Assert.True(a.Id.Length >= 43, "32 random bytes, base64url");
        Assert.Same(a, sessions.Find(a.Id));
    }

    [Fact]
    public void Find_UnknownEmptyOrEndedId_ReturnsNull()
    {
        var sessions = new DashboardSessions(new ManualClock());
        var a = sessions.Create();
        Assert.Null(sessions.Find(null));
        Assert.Null(sessions.Find(""));
        Assert.Null(sessions.Find(a.Id + "x"));
        sessions.End(a.Id);
        Assert.Null(sessions.Find(a.Id));
    }

    [Fact]
    public void Find_AfterIdleTimeoutOrMaxAge_SessionEnds()
    {
        var clock = new ManualClock();
        var sessions = new DashboardSessions(clock);
        var idle = sessions.Create();
        var active = sessions.Create();
        clock.Advance(DashboardSessions.IdleTimeout - TimeSpan.FromMinutes(1));
        Assert.NotNull(sessions.Find(active.Id));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(sessions.Find(idle.Id));
        Assert.NotNull(sessions.Find(active.Id)); // used a minute ago
        for (var t = TimeSpan.Zero; t < DashboardSessions.MaxAge; t += TimeSpan.FromHours(1))
        {
            clock.Advance(TimeSpan.FromHours(1));
            sessions.Find(active.Id);
        }
        Assert.Null(sessions.Find(active.Id)); // however active, a login lasts at most MaxAge
    }

    [Fact]
    public void Create_MoreThanMaxSessions_DropsTheOldest()
    {
        var clock = new ManualClock();
        var sessions = new DashboardSessions(clock);
        var first = sessions.Create();
        var all = new List<DashboardSession> { first };
        for (var i = 0; i < DashboardSessions.MaxSessions; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            all.Add(sessions.Create());
        }
        Assert.Null(sessions.Find(first.Id));
        Assert.All(all.Skip(1), s => Assert.NotNull(sessions.Find(s.Id)));
    }
}
