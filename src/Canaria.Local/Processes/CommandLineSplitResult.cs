namespace Canaria.Local.Processes;

/// <summary>An executable and its arguments, or an error saying what is wrong with the command line.</summary>
internal sealed record CommandLineSplitResult(string? FileName, IReadOnlyList<string> Arguments, string? Error)
{
    public bool IsSuccess => Error is null;

    public static CommandLineSplitResult Fail(string error) => new(null, [], error);
}
