namespace Canaria.Local.Dashboard.Series;

/// <summary>
/// One evaluation of a sequential (SPRT) check: the log-likelihood ratio of the canary's counts since the step went live,
/// with Wald's bounds (at or above <c>Upper</c> fails the canary, at or below <c>Lower</c> passes it).
/// </summary>
internal readonly record struct LlrPoint(long Seq, DateTimeOffset At, string Check, int Step, double Llr, double Lower, double Upper, string Verdict);
