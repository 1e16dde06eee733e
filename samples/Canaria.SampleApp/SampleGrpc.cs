using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Canaria.SampleApp;

/// <summary>
/// A gRPC service on the wire protocol itself (length-prefixed messages, <c>grpc-status</c> trailers), with UTF-8 text
/// as the message codec so it needs no generated code: <c>canaria.sample.Sample/Hello</c> (unary: "version instance:
/// request") and <c>canaria.sample.Sample/Count</c> (server streaming: n messages "version 1".."version n"). The error
/// rate knob fails calls with UNAVAILABLE (14). Served over HTTP/2 (<c>--protocol h2c</c>), as gRPC requires.
/// </summary>
internal static class SampleGrpc
{
    public const string Service = "canaria.sample.Sample";
    private const int MaxMessage = 64 * 1024;

    public static void Map(WebApplication app, SampleState state)
    {
        app.MapPost($"/{Service}/Hello", (HttpContext context) => HandleAsync(context, state, streaming: false));
        app.MapPost($"/{Service}/Count", (HttpContext context) => HandleAsync(context, state, streaming: true));
    }

    private static async Task HandleAsync(HttpContext context, SampleState state, bool streaming)
    {
        var options = state.Options;
        var request = await ReadMessageAsync(context.Request.Body, context.RequestAborted);

        // Read to the end of the request before answering, as gRPC servers do: HTTP/2 streams whose response ends
        // first are held by Kestrel until the client ends them, and a client (or proxy) that ends them late gets
        // ENHANCE_YOUR_CALM once too many are held.
        if (request is not null && await context.Request.Body.ReadAsync(new byte[1], context.RequestAborted) != 0)
            request = null;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["X-Sample-Version"] = options.Version;
        if (request is null)
        {
            Fail(context, 3, "the request is not one length-prefixed message");
            return;
        }

        if (!state.IsStarted || (options.ErrorRate > 0 && Random.Shared.NextDouble() < options.ErrorRate))
        {
            Fail(context, 14, "injected error");
            return;
        }

        if (options.LatencyMs > 0)
            await Task.Delay(options.LatencyMs, context.RequestAborted);
        if (!streaming)
        {
            await WriteMessageAsync(context, $"{options.Version} {options.Instance}: {request}");
        }
        else
        {
            var count = int.TryParse(request, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 0, 10_000) : 1;
            for (var i = 1; i <= count; i++)
                await WriteMessageAsync(context, $"{options.Version} {i.ToString(CultureInfo.InvariantCulture)}");
        }

        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>A trailers-only answer: the status goes in the headers and no message follows.</summary>
    private static void Fail(HttpContext context, int code, string message)
    {
        context.Response.Headers["grpc-status"] = code.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    private static async Task<string?> ReadMessageAsync(Stream body, CancellationToken ct)
    {
        var header = new byte[5];
        if (await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, ct) < 5 || header[0] != 0)
            return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > MaxMessage)
            return null;
        var message = new byte[length];
        return await body.ReadAtLeastAsync(message, message.Length, throwOnEndOfStream: false, ct) == message.Length
            ? Encoding.UTF8.GetString(message)
            : null;
    }

    private static async Task WriteMessageAsync(HttpContext context, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
