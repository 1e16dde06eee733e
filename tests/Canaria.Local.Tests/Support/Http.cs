namespace Canaria.Local.Tests.Support;

internal static class Http
{
    /// <summary>A client that never goes through a proxy from the environment.</summary>
    public static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
}
