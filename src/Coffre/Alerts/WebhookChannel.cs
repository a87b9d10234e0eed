using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Coffre.Alerts;

/// <summary>An HTTP POST of a JSON body (<see cref="WebhookFormats"/>) to a URL; any 2xx answer is a delivery.</summary>
public sealed class WebhookChannel : IAlertChannel
{
    /// <summary>How long one attempt may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly HttpClient SharedClient = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private readonly Uri url;
    private readonly string format;
    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>> headers;
    private readonly HttpClient client;

    /// <param name="headers">Extra request headers (e.g. Authorization), obtained at each send; their values are never shown.</param>
    public WebhookChannel(Uri url, string format, Func<IReadOnlyList<KeyValuePair<string, string>>>? headers = null, HttpClient? client = null)
    {
        this.url = url;
        this.format = format;
        this.headers = headers ?? (() => []);
        this.client = client ?? SharedClient;
    }

    /// <summary>The scheme, host and port only: a webhook URL's path often is its secret (Slack, Teams).</summary>
    public string Name => $"webhook {url.GetLeftPart(UriPartial.Authority)}";

    public async Task SendAsync(AlertMessage message, CancellationToken ct)
    {
        var body = WebhookFormats.Payload(format, message).ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.UserAgent.ParseAdd($"coffre/{ProgramInfo.Version.Split(' ')[^1]}");
        IReadOnlyList<KeyValuePair<string, string>> extra;
        try { extra = headers(); }
        catch (CoffreException e) { throw new AlertDeliveryException($"{Name}: {e.Message}", transient: false, e); }
        foreach (var (name, value) in extra)
            if (!request.Headers.TryAddWithoutValidation(name, value))
                throw new AlertDeliveryException($"{Name}: header {name} cannot be sent", transient: false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AlertDeliveryException($"{Name}: {Describe(e)}", transient: true, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new AlertDeliveryException($"{Name}: no answer within {Timeout.TotalSeconds:0} s", transient: true, e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            var code = (int)response.StatusCode;
            var transient = code >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
            throw new AlertDeliveryException($"{Name}: the server answered {code} {response.ReasonPhrase}", transient);
        }
    }

    private static string Describe(HttpRequestException e)
    {
        // The innermost message names the cause (Connection refused, Name or service not known) without the URL.
        Exception x = e;
        while (x.InnerException is not null) x = x.InnerException;
        return x.Message.ReplaceLineEndings(" ");
    }
}
