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
}
