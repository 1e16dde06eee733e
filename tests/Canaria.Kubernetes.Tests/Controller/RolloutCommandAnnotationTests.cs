using Canaria.Core.Engine;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Controller;

public sealed class RolloutCommandAnnotationTests
{
    [Theory]
    [InlineData("promote", "Promote", 0)]
    [InlineData("promote 1700000000", "Promote", 0)]
    [InlineData("Promote-Full now", "PromoteFull", 0)]
    [InlineData("pause", "Pause", 0)]
    [InlineData("resume x", "Resume", 0)]
    [InlineData("abort", "Abort", 0)]
    [InlineData("retry", "Retry", 0)]
    [InlineData("jump 2 again", "Jump", 1)]
    public void Parse_Operation_CommandWithZeroBasedStep(string value, string kind, int step)
    {
        var command = RolloutCommandAnnotation.Parse(value, out var error);

        Assert.Null(error);
        Assert.Equal(new RolloutCommand(Enum.Parse<CommandKind>(kind), step), command);
    }

    [Theory]
    [InlineData("")]
    [InlineData("promot")]
    [InlineData("jump")]
    [InlineData("jump two")]
    public void Parse_NotAnOperation_ErrorNamesTheValue(string value)
    {
        Assert.Null(RolloutCommandAnnotation.Parse(value, out var error));
        Assert.Contains($"'{value}' is not an operation", error);
    }
}
