using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Coffre.Server;

/// <summary>
/// What every route of the dashboard does before its handler (an endpoint filter on the group): response headers
/// that keep its pages out of caches and frames and stop content sniffing, and a small request size for its forms
/// (a login is a few hundred bytes: a larger body, a huge field or too many fields is refused before anything reads it).
/// </summary>
internal static class DashboardGuard
{
    /// <summary>The largest request body the dashboard accepts (its forms hold a token, a user name, a password, a choice).</summary>
    public const long MaxBodyBytes = 64 << 10;

    private static readonly FormOptions FormLimits = new()
    {
        ValueLengthLimit = 8 << 10,
        KeyLengthLimit = 256,
        ValueCountLimit = 32,
        MultipartBodyLengthLimit = MaxBodyBytes,
        MultipartHeadersLengthLimit = 8 << 10,
        MultipartHeadersCountLimit = 8,
        BufferBodyLengthLimit = MaxBodyBytes,
        MemoryBufferThreshold = (int)MaxBodyBytes,
    };

    /// <summary>
    /// No script (a page with one allows it by its hash: <see cref="PolicyAllowing"/>); the pages' own style is inline
    /// (no other file is served); forms post back to the dashboard only; no frame may hold a page (clickjacking of its buttons).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The policy of a page whose only script is the inline <paramref name="code"/>: allowed by its SHA-256, nothing else runs.</summary>
    public static string PolicyAllowing(string code)
    {
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(code)));
        return ContentSecurityPolicy.Replace("script-src 'none'", $"script-src 'sha256-{hash}'", StringComparison.Ordinal);
    }

    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ctx = context.HttpContext;
        var headers = ctx.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "same-origin";
        if (HttpMethods.IsPost(ctx.Request.Method) || HttpMethods.IsPut(ctx.Request.Method))
        {
            if (ctx.Request.ContentLength > MaxBodyBytes) return TooLarge();
            if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBodyBytes;
            ctx.Features.Set<IFormFeature>(new FormFeature(ctx.Request, FormLimits));
        }
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (InvalidDataException) when (!ctx.Response.HasStarted)
        {
            return TooLarge(); // a form over the limits (a field too long, too many fields)
        }
        catch (BadHttpRequestException e) when (!ctx.Response.HasStarted && e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
    }

    public static IResult TooLarge() =>
        Results.Text($"refused: the form is larger than the dashboard accepts ({MaxBodyBytes / 1024} KiB, 8 KiB a field)", statusCode: StatusCodes.Status413PayloadTooLarge);
}
