using System.Net.Http.Headers;
using Canaria.Kubernetes.Client;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>
/// A plain-HTTP proxy on 127.0.0.1 in front of the test API server, for the CLI processes (through <see cref="KubeconfigPath"/>):
/// forwards every request with the control plane's credentials, except that <c>intercept</c> may answer instead (e.g. a 503
/// for some GETs, as an overloaded API server or a dropped connection would), or run another writer first.
/// </summary>
internal sealed class FaultyApiProxy : IAsyncDisposable
{
    private readonly k8s.Kubernetes _upstream;
    private readonly TestHttpServer _server;

    private FaultyApiProxy(k8s.Kubernetes upstream, TestHttpServer server, string kubeconfigPath)
    {
        _upstream = upstream;
        _server = server;
        KubeconfigPath = kubeconfigPath;
    }

    public string KubeconfigPath { get; }

    /// <param name="intercept">Sees each request (method, path) before it is forwarded; returns a status code to answer with instead, or null to forward.</param>
    public static async Task<FaultyApiProxy> StartAsync(KubeClientConfig cluster, Func<string, string, Task<int?>> intercept)
    {
        var upstream = new k8s.Kubernetes(cluster.Kube);
        var server = await TestHttpServer.StartAsync(async ctx =>
        {
            if (await intercept(ctx.Request.Method, ctx.Request.Path.Value ?? "") is { } code)
            {
                ctx.Response.StatusCode = code;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync($$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected by the test proxy","reason":"ServiceUnavailable","code":{{code}}}""");
                return;
            }
            using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), new Uri(upstream.BaseUri, (ctx.Request.Path + ctx.Request.QueryString).TrimStart('/')));
            await upstream.Credentials.ProcessHttpRequestAsync(request, CancellationToken.None);
            if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
            {
                using var body = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ctx.Request.ContentType!);
            }
            using var response = await upstream.HttpClient.SendAsync(request);
            ctx.Response.StatusCode = (int)response.StatusCode;
            ctx.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await ctx.Response.Body.WriteAsync(await response.Content.ReadAsByteArrayAsync());
        });
        var path = Path.Combine(Directory.CreateTempSubdirectory("canaria-proxy-").FullName, "kubeconfig");
        await File.WriteAllTextAsync(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: proxy
              cluster:
                server: {server.Address.ToString().TrimEnd('/')}
            users:
            - name: proxied
              user:
                token: replaced-by-the-proxy
            contexts:
            - name: proxy
              context:
                cluster: proxy
                user: proxied
            current-context: proxy
            """);
        return new FaultyApiProxy(upstream, server, path);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _upstream.Dispose();
    }
}
