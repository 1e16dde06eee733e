using Canaria.Core.Analysis;

namespace Canaria.Core.Tests.Analysis;

public class QueryTemplateTests
{
    private static readonly CheckQuery Query = new("shop", "prod", "web", "v2", "v1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(29.5));

    [Theory]
    [InlineData("sum(rate(x{service=\"{{service}}\",version=\"{{ version }}\"}[{{window}}]))", "sum(rate(x{service=\"web\",version=\"v2\"}[30s]))")]
    [InlineData("{{name}}/{{namespace}}/{{stableVersion}}/{{interval}}", "shop/prod/v1/30s")]
    [InlineData("{{unknown}} stays", "{{unknown}} stays")]
    public void Render_Placeholders_AreFilledAndPromQlBracesKept(string template, string expected)
    {
        Assert.Equal(expected, QueryTemplate.Render(template, Query));
    }

    [Fact]
    public void Render_WithEscape_EscapesOnlyValues()
    {
        var q = Query with { Version = "v 2&x" };

        Assert.Equal("http://m/q?v=v%202%26x", QueryTemplate.Render("http://m/q?v={{version}}", q, Uri.EscapeDataString));
    }

    [Theory]
    [InlineData(1.2, 60, "60s")]   // a step's first seconds: the floor, not "2s"
    [InlineData(90, 60, "90s")]    // a longer window than the floor stays
    [InlineData(5, 0, "5s")]       // no floor
    public void Render_MinWindow_IsTheLeastWindow(double seconds, double minSeconds, string expected)
    {
        var q = Query with { To = Query.From.AddSeconds(seconds), MinWindow = TimeSpan.FromSeconds(minSeconds) };

        Assert.Equal($"rate(x[{expected}])", QueryTemplate.Render("rate(x[{{window}}])", q));
    }

    [Theory]
    [InlineData("prometheus", 5, null, 60)]
    [InlineData("prometheus", 120, null, 120)]
    [InlineData("prometheus", 5, 20.0, 20)]
    [InlineData("web", 5, null, 5)]
    public void QueryWindow_Defaults_PrometheusHasAOneMinuteFloor(string provider, double interval, double? window, double expected)
    {
        var check = new Canaria.Core.Model.CheckSpec
        {
            Provider = provider == "web" ? Canaria.Core.Model.MetricProvider.Web : Canaria.Core.Model.MetricProvider.Prometheus,
            Window = window is { } w ? TimeSpan.FromSeconds(w) : null,
        };

        Assert.Equal(TimeSpan.FromSeconds(expected), check.QueryWindow(TimeSpan.FromSeconds(interval)));
    }
}
