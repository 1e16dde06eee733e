using Canaria.Local.Processes;

namespace Canaria.Local.Tests.Processes;

public sealed class CommandLineSplitterTests
{
    [Theory]
    [InlineData("python3 -m http.server {port}", new[] { "python3", "-m", "http.server", "{port}" })]
    [InlineData("  app   --name  'two words'  ", new[] { "app", "--name", "two words" })]
    [InlineData("app \"say \\\"hi\\\" \\\\ there\"", new[] { "app", "say \"hi\" \\ there" })]
    [InlineData("app 'it''s' a\\ b", new[] { "app", "its", "a b" })]
    [InlineData("app '' \"\"", new[] { "app", "", "" })]
    [InlineData("app 'a|b;c>d $HOME'", new[] { "app", "a|b;c>d $HOME" })]
    [InlineData("app \"x\\n\"", new[] { "app", "x\\n" })]
    public void Split_ValidCommandLine_ReturnsProgramAndArguments(string commandLine, string[] expected)
    {
        var result = CommandLineSplitter.Split(commandLine);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(expected, new[] { result.FileName! }.Concat(result.Arguments));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("app 'open", "unterminated single quote at position 5")]
    [InlineData("app \"open", "unterminated double quote at position 5")]
    [InlineData("app \\", "lone backslash")]
    [InlineData("app | grep x", "shell operator '|'")]
    [InlineData("app > out.log", "shell operator '>'")]
    [InlineData("app $PORT", "variables are not expanded")]
    [InlineData("'' arg", "no program name")]
    public void Split_InvalidCommandLine_ReturnsErrorSayingWhy(string commandLine, string expectedError)
    {
        var result = CommandLineSplitter.Split(commandLine);

        Assert.False(result.IsSuccess);
        Assert.Contains(expectedError, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCommandLine_ValidCommand_BuildsTemplate()
    {
        var result = ReplicaTemplate.FromCommandLine("v2", "python3 -m http.server {port}");

        Assert.Null(result.Error);
        Assert.Equal("python3", result.Template!.FileName);
        Assert.Equal(["-m", "http.server", "{port}"], result.Template.Arguments);
        Assert.Equal("v2", result.Template.Version);
    }

    [Fact]
    public void ComputeHash_TimingChangesOnly_KeepsHashButCommandChangeAltersIt()
    {
        var template = ReplicaTemplate.FromCommandLine("v1", "app --port {port}").Template!;

        var slower = template with { ReadinessPeriod = TimeSpan.FromSeconds(9), GracePeriod = TimeSpan.FromSeconds(1) };
        var other = template with { Arguments = ["--port", "{port}", "--x"] };
        var env = template with { Environment = new Dictionary<string, string> { ["A"] = "1" } };

        Assert.Equal(template.ComputeHash(), slower.ComputeHash());
        Assert.NotEqual(template.ComputeHash(), other.ComputeHash());
        Assert.NotEqual(template.ComputeHash(), env.ComputeHash());
        Assert.NotEqual(template.ComputeHash(), (template with { Version = "v2" }).ComputeHash());
    }
}
