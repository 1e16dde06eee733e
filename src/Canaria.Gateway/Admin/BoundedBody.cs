using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Canaria.Gateway.Admin;

/// <summary>A request body read as UTF-8 text, or <see cref="TooLarge"/> when it has more bytes than allowed.</summary>
internal sealed record BoundedBody(string? Text, bool TooLarge)
{
    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> bytes, counted as they arrive, so a chunked body (which has no
    /// Content-Length) or a Content-Length that lies cannot make the server buffer or parse more. A longer body stops
    /// being read at the first byte over the limit, and Kestrel is told not to drain more than that before closing.
    /// </summary>
    public static async Task<BoundedBody> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return new BoundedBody(null, TooLarge: true);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        var buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        using var text = new MemoryStream();
        while (true)
        {
            int read;
            try
            {
                read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return new BoundedBody(null, TooLarge: true);
            }

            if (read == 0)
            {
                break;
            }

            if (text.Length + read > maxBytes)
            {
                return new BoundedBody(null, TooLarge: true);
            }

            text.Write(buffer, 0, read);
        }

        var bytes = text.GetBuffer().AsSpan(0, (int)text.Length);
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..]; // as StreamReader did: a byte order mark is not text
        }

        return new BoundedBody(Encoding.UTF8.GetString(bytes), TooLarge: false);
    }
}
