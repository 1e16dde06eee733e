using System.Diagnostics;
using System.Net.Sockets;

namespace Canaria.Gateway.Tests.Support;

/// <summary>
/// A real nginx process (Debian's) on a loopback port that answers every request with 200 "ok" and logs one line per
/// request it served, with a chosen keep-alive timeout: an upstream that closes idle connections on its own clock, as
/// upstreams in production do. Fails loudly when nginx is not installed or does not start.
/// </summary>
internal sealed class NginxBackend : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly string _directory;

    private NginxBackend(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The requests nginx served (lines of its access log, written as each request ends).</summary>
    public int Served => File.Exists(AccessLog) ? File.ReadAllLines(AccessLog).Length : 0;

    /// <summary>From the access log: how many connections served requests, and how many requests came on a reused one.</summary>
    public (int Connections, int OnReused) ConnectionUse()
    {
        var lines = File.Exists(AccessLog) ? File.ReadAllLines(AccessLog) : [];
        return (lines.Select(l => l.Split(' ')[0]).Distinct().Count(), lines.Count(l => l.Split(' ')[1] != "1"));
    }

    private string AccessLog => Path.Combine(_directory, "access.log");

    public static async Task<NginxBackend> StartAsync(TimeSpan keepAliveTimeout)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: install Debian's nginx (.ci/apt-packages.txt lists it)");
        var directory = Directory.CreateTempSubdirectory("canaria-nginx-").FullName;
        var port = Ports.Closed();
        var temp = Directory.CreateDirectory(Path.Combine(directory, "tmp")).FullName;
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
              log_format connections '$connection $connection_requests';
              access_log {{directory}}/access.log connections;
              client_body_temp_path {{temp}}/body; proxy_temp_path {{temp}}/proxy; fastcgi_temp_path {{temp}}/fastcgi;
              uwsgi_temp_path {{temp}}/uwsgi; scgi_temp_path {{temp}}/scgi;
              keepalive_timeout {{(int)keepAliveTimeout.TotalMilliseconds}}ms;
              keepalive_requests 100000;
              server {
                listen 127.0.0.1:{{port}};
                location / { return 200 "ok"; }
              }
            }
            """);
        var process = Process.Start(new ProcessStartInfo(Binary, ["-p", directory, "-c", Path.Combine(directory, "nginx.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var backend = new NginxBackend(process, directory, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await backend.AcceptsAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? File.ReadAllText(Path.Combine(directory, "error.log")) : "";
                var stderr = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
                await backend.DisposeAsync();
                Assert.Fail($"nginx did not start on port {port}: {stderr} {log}");
            }

            await Task.Delay(50);
        }

        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
