using System.Collections.Concurrent;
using System.Net;
using System.Text;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.DemoShop;

/// <summary>
/// A stand-in for the gateway's <c>GET /salestatus</c> on a loopback port (docs/protocol.md section 6):
/// it answers the <c>name: value</c> lines a test sets per saleID, and records what the shop asked.
/// </summary>
public sealed class FakeStatusPage : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();

    public FakeStatusPage()
    {
        BaseUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        listener.Prefixes.Add(BaseUrl + "/");
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    /// <summary>The status page's body per saleID; an unknown sale is <c>response: NOT_FOUND</c>.</summary>
    public ConcurrentDictionary<string, string> Answers { get; } = new(StringComparer.Ordinal);

    /// <summary>The queries the shop sent, parsed.</summary>
    public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();

    /// <summary>A FOUND answer for a declined sale, with <paramref name="oneClickToken"/> when the card still has one.</summary>
    public void Declined(long saleId, string? oneClickToken)
    {
        var text = new StringBuilder()
            .Append("response: FOUND\n")
            .Append("saleID: ").Append(saleId).Append('\n')
            .Append("saleResult: DECLINED\n")
            .Append("amount: 9.99\ncurrency: EUR\npaymentMethod: CC\nCCBrand: VISA\ntruncatedPAN: 424242XXXXXX4242\n");
        if (oneClickToken is not null)
        {
            text.Append("oneClickToken: ").Append(oneClickToken).Append('\n');
        }

        Answers[saleId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = text.ToString();
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                var query = Merchant.ParseQuery(context.Request.Url!.Query);
                Requests.Enqueue(query);
                var body = context.Request.Url.AbsolutePath == "/salestatus" && query.TryGetValue("saleID", out var saleId) && Answers.TryGetValue(saleId, out var answer)
                    ? answer
                    : "response: NOT_FOUND\n";
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body), stop.Token);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
            {
                // The shop gave up waiting, or the page is shutting down.
            }
        }
    }
}
