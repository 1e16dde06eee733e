namespace Canaria.SampleApp;

/// <summary>Outcome of parsing: options, a request for help, or an error naming the bad option.</summary>
internal sealed record SampleOptionsResult(SampleOptions? Options, string? Error, bool HelpRequested)
{
    public static SampleOptionsResult Ok(SampleOptions options) => new(options, null, false);

    public static SampleOptionsResult Fail(string error) => new(null, error, false);

    public static SampleOptionsResult Help() => new(null, null, true);
}
