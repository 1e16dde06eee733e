using System.Net;
using Canaria.Local.Dashboard;
using Canaria.Local.Dashboard.Login;

namespace Canaria.Local.Tests.Dashboard;

public sealed class DashboardLoginLimiterTests
{
    private static readonly IPAddress Local = IPAddress.Loopback;

    [Fact]
    public void Attempt_MoreThanTheLimitInAMinute_RefusedUntilTheOldestLeavesTheWindow()
    {
        var clock = new ManualClock();
        var limiter = new DashboardLoginLimiter(clock);
        for (var i = 0; i < DashboardLoginLimiter.AttemptsPerWindow; i++)
        {
            Assert.Null(limiter.Attempt(Local));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var wait = limiter.Attempt(Local);
        Assert.Equal(DashboardLoginLimiter.Window - TimeSpan.FromSeconds(DashboardLoginLimiter.AttemptsPerWindow), wait);
        clock.Advance(wait!.Value - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(limiter.Attempt(Local));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(limiter.Attempt(Local)); // the first attempt left the window: one more may go
        Assert.NotNull(limiter.Attempt(Local));
    }

    [Fact]
    public void Attempt_OneClientAtTheLimit_OtherClientsStillAllowed()
    {
        var limiter = new DashboardLoginLimiter(new ManualClock());
        for (var i = 0; i < DashboardLoginLimiter.AttemptsPerWindow; i++) limiter.Attempt(Local);
        Assert.NotNull(limiter.Attempt(Local));
        Assert.Null(limiter.Attempt(IPAddress.Parse("10.0.0.7")));
    }

    [Fact]
    public void Attempt_TwiceAsManyClientsAsTracked_KeepsAtMostMaxClients()
    {
        var clock = new ManualClock();
        var limiter = new DashboardLoginLimiter(clock);
        for (var i = 0; i < DashboardLoginLimiter.AttemptsPerWindow; i++) limiter.Attempt(Local);
        clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < DashboardLoginLimiter.MaxClients * 2; i++)
        {
            Assert.Null(limiter.Attempt(new IPAddress(BitConverter.GetBytes(0x0a000000 + i))));
        }
        Assert.True(limiter.Tracked <= DashboardLoginLimiter.MaxClients, $"{limiter.Tracked} clients tracked");
    }
}
