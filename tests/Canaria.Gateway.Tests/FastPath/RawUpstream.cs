using System.Net;
using System.Net.Sockets;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>A TCP server on 127.0.0.1:0 that runs a handler per connection: an upstream that can send any bytes, broken HTTP included.</summary>
internal sealed class RawUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private RawUpstream(Func<NetworkStream, CancellationToken, Task> handler, int? receiveBuffer)
    {
        // Set on the listener, inherited by every accepted connection: a small one stops the gateway's send early.
        if (receiveBuffer is { } size) _listener.Server.ReceiveBufferSize = size;
        _listener.Start();
        _accepting = AcceptAsync(handler);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <param name="receiveBuffer">SO_RCVBUF of its connections: small, a large body does not fit in the socket buffers.</param>
    public static RawUpstream Start(Func<NetworkStream, CancellationToken, Task> handler, int? receiveBuffer = null) => new(handler, receiveBuffer);

    /// <summary>Dies as a crashed process does: every open connection is closed and new ones are refused.</summary>
    public void Kill()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync(Func<NetworkStream, CancellationToken, Task> handler)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await handler(client.GetStream(), _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                    {
                    }
                }
            });
        }
    }
}
