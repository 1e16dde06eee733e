using System.Text.RegularExpressions;
using Canaria.Core.Model;
using Canaria.Kubernetes.Routing;

namespace Canaria.Kubernetes.Tests.Routing;

/// <summary>The cookie-header patterns Canaria writes, checked with a real regex engine on real Cookie headers (RE2 syntax is a subset of .NET's here).</summary>
public sealed class Re2PatternTests
{
    [Theory]
    [InlineData("user=test-user", true)]
    [InlineData("a=1; user=test-user", true)]
    [InlineData("a=1;user=test-user; b=2", true)]
    [InlineData("user=test-user2", false)]
    [InlineData("xuser=test-user", false)]
    [InlineData("a=1; user=other; b=test-user", false)]
    public void Cookie_ExactValue_MatchesOnlyThatCookieWithThatValue(string header, bool expected) =>
        Assert.Equal(expected, FullMatch(Re2Pattern.Cookie("user", MatchOperator.Exact, "test-user"), header));

    [Theory]
    [InlineData("tier=beta.1", true)]
    [InlineData("a=1; tier=beta.2; c=3", true)]
    [InlineData("tier=betaX1", false)]
    [InlineData("tier=alpha; other=beta.1", false)]
    public void Cookie_PrefixWithRegexCharacters_IsEscapedAndStaysInsideTheCookie(string header, bool expected) =>
        Assert.Equal(expected, FullMatch(Re2Pattern.Cookie("tier", MatchOperator.Prefix, "beta."), header));

    [Theory]
    [InlineData("group=a1", true)]
    [InlineData("x=y; group=b22", true)]
    [InlineData("group=c3", false)]
    public void Cookie_RegexValueWithAnchorsAndAlternation_MatchesTheCookieValue(string header, bool expected) =>
        Assert.Equal(expected, FullMatch(Re2Pattern.Cookie("group", MatchOperator.Regex, "^(a|b)[0-9]+$"), header));

    [Fact]
    public void Escape_AllRegexMetacharacters_MatchLiterally()
    {
        const string text = @"a.b+c*d?e(f)g|h[i]j{k}l^m$n\o";
        Assert.True(FullMatch(Re2Pattern.Escape(text), text));
        Assert.False(FullMatch(Re2Pattern.Escape("a.b"), "axb"));
    }

    private static bool FullMatch(string pattern, string input) =>
        Regex.IsMatch(input, $"^(?:{pattern})$", RegexOptions.None, TimeSpan.FromSeconds(1));
}
