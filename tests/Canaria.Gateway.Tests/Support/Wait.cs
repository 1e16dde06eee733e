namespace Canaria.Gateway.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes (no fixed sleeps).</summary>
internal static class Wait
{
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        UntilAsync(condition, timeout, () => what);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what()}");
            }

            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
