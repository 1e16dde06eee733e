using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.FastPath;

/// <summary>
/// An <see cref="HttpContext"/> view of a fast-path request, built only when something needs one: a service with
/// match rules or stickiness (the shared <see cref="VersionSelector"/> reads headers, cookies and the query) or a
/// mirrored request (the shared <see cref="Forwarding.MirrorSender"/>). Plain weighted requests never build it.
/// </summary>
internal static class FastRequestContext
{
    /// <summary>For services without rules or stickiness, where the route pick reads nothing from the request.</summary>
    public static HttpRequest Empty { get; } = new DefaultHttpContext().Request;

    public static HttpContext Build(ReadOnlySpan<byte> head, RequestHead request, string path, IPAddress? client)
    {
        var context = new DefaultHttpContext();
        var target = request.Target(head);
        var query = target[request.PathLength..];
        context.Request.Method = Encoding.ASCII.GetString(request.Method(head));
        context.Request.Scheme = "http";
        context.Request.Path = new PathString(path);
        context.Request.QueryString = query.IsEmpty ? QueryString.Empty : new QueryString(Encoding.Latin1.GetString(query));
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = Encoding.Latin1.GetString(target);
        context.Connection.RemoteIpAddress = client;
        for (var i = 0; i < request.Count; i++)
        {
            var field = request.Headers[i];
            if (field.Kind is HeaderKind.ContentLength or HeaderKind.TransferEncoding) continue;
            context.Request.Headers.Append(Encoding.Latin1.GetString(request.Name(head, i)), Encoding.Latin1.GetString(request.Value(head, i)));
        }

        return context;
    }
}
