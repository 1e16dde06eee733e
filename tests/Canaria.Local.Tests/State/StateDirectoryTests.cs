using Canaria.Local.State;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.State;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StateDirectoryTests
{
    [Fact]
    public void Open_MissingDirectory_CreatesItUserOnly()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "nested", "state");

        var dir = StateDirectory.Open(path);

        Assert.Equal(path, dir.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        Assert.Equal(Path.Combine(path, "canaria.db"), dir.DatabasePath);
    }

    [Fact]
    public void EnsureToken_FirstAndSecondCall_CreatesUserOnlyFileOnceAndReusesIt()
    {
        using var temp = new TempDirectory();
        var dir = StateDirectory.Open(Path.Combine(temp.Path, "s"));

        var token = dir.EnsureToken();
        var again = StateDirectory.Open(dir.Path).EnsureToken();

        Assert.Equal(token, again);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.TokenPath));
        Assert.Equal(43, token.Length); // 32 bytes, base64url without padding
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token).Length);
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void EnsureToken_ExistingTokenWithLoosePermissions_TightensThemAndKeepsToken()
    {
        using var temp = new TempDirectory();
        var dir = StateDirectory.Open(temp.Path);
        File.WriteAllText(dir.TokenPath, "abc\n");
        File.SetUnixFileMode(dir.TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        Assert.Equal("abc", dir.EnsureToken());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.TokenPath));
    }

    [Theory]
    [InlineData("/x/state", "/xdg", "/home/u", "/x/state")]
    [InlineData(null, "/xdg", "/home/u", "/xdg/canaria")]
    [InlineData(null, null, "/home/u", "/home/u/.canaria")]
    [InlineData("", "", "/home/u", "/home/u/.canaria")]
    public void DefaultPath_Environment_PrefersCanariaStateDirThenXdgThenHome(string? stateDir, string? xdg, string home, string expected)
    {
        var env = new Dictionary<string, string?> { ["CANARIA_STATE_DIR"] = stateDir, ["XDG_STATE_HOME"] = xdg, ["HOME"] = home };

        Assert.Equal(expected, StateDirectory.DefaultPath(name => env.GetValueOrDefault(name)));
    }
}
