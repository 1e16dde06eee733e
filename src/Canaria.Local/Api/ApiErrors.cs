using Canaria.Core.Serialization;
using Canaria.Local.Controller;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Canaria.Local.Api;

/// <summary>
/// Every error the API answers is a JSON body with a message, the shape of <see cref="ControllerReply"/>: a request
/// the framework refuses (unknown path, wrong method, a query value of the wrong type) and an unexpected exception,
/// which is logged with its stack and answered as a 500 that names no internals.
/// </summary>
internal static partial class ApiErrors
{
    public static IApplicationBuilder UseJsonErrors(this IApplicationBuilder app, ILogger logger) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; nobody reads an answer
        }
        catch (Exception e)
        {
            Unexpected(logger, context.Request.Method, context.Request.Path.Value ?? "", e);
            if (context.Response.HasStarted) throw;
            await WriteAsync(context, StatusCodes.Status500InternalServerError,
                $"the controller failed on this request ({e.GetType().Name}); the controller's log has the details").ConfigureAwait(false);
            return;
        }

        if (context.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null or 0 } && context.Response.ContentType is null)
        {
            var what = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => "no such endpoint",
                StatusCodes.Status405MethodNotAllowed => "this endpoint does not take this method",
                _ => ReasonPhrases.GetReasonPhrase(context.Response.StatusCode),
            };
            await WriteAsync(context, context.Response.StatusCode, $"{what}: {context.Request.Method} {context.Request.Path}").ConfigureAwait(false);
        }
    });

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(ControllerReply.Refused(message), CoreJson.Options, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "API {Method} {Path} failed unexpectedly; answered 500")]
    private static partial void Unexpected(ILogger logger, string method, string path, Exception exception);
}
