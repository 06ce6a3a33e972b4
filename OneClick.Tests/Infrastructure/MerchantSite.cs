using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace OneClick.Tests.Infrastructure;

/// <summary>A merchant's web site on a loopback port: it answers every page and records what it was sent.</summary>
public sealed class MerchantSite : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly HttpListener listener = new();

    public MerchantSite()
    {
        // A port found free is bound a moment later, and another test's server may take it between:
        // CI saw "Address already in use" once. Another free port is tried then.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.Free();
            BaseUrl = $"http://127.0.0.1:{Port}";
            listener.Prefixes.Add(BaseUrl + "/");
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
                listener = new HttpListener();
            }
        }

        _ = Task.Run(ServeAsync);
    }

    public int Port { get; private set; }

    public string BaseUrl { get; private set; }

    public ConcurrentQueue<Uri> Requests { get; } = new();

    /// <summary>Postbacks received: the URL as sent and its X-OneClick-Signature header.</summary>
    public ConcurrentQueue<(Uri Url, string? Signature)> Postbacks { get; } = new();

    /// <summary>The W3C <c>traceparent</c> header of each postback received (null when it had none), in order.</summary>
    public ConcurrentQueue<string?> PostbackTraceParents { get; } = new();

    /// <summary>How the merchant answers a postback: given the number of postbacks so far (1 = the first).</summary>
    public Func<int, Task<(int Status, string Body)>> AnswerPostback { get; set; } = _ => Task.FromResult((200, "OK"));

    public string PostbackUrl => BaseUrl + "/postback";

    /// <summary>The saleIDs of the postbacks received so far.</summary>
    public HashSet<string> PostbackSaleIds() => Postbacks
        .Select(p => Merchant.ParseQuery(p.Url.Query).GetValueOrDefault("saleID"))
        .OfType<string>()
        .ToHashSet();

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

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            Requests.Enqueue(context.Request.Url!);
            if (context.Request.Url!.AbsolutePath == "/postback")
            {
                PostbackTraceParents.Enqueue(context.Request.Headers["traceparent"]);
                Postbacks.Enqueue((context.Request.Url, context.Request.Headers["X-OneClick-Signature"]));
                int status;
                string text;
                try
                {
                    (status, text) = await AnswerPostback(Postbacks.Count);
                }
                catch (InvalidOperationException)
                {
                    // A merchant that breaks off: promise a body, send part of it, hang up.
                    context.Response.StatusCode = 200;
                    context.Response.ContentLength64 = 100;
                    await context.Response.OutputStream.WriteAsync("OK"u8.ToArray(), stop.Token);
                    context.Response.Abort();
                    return;
                }

                context.Response.StatusCode = status;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(text), stop.Token);
                context.Response.Close();
                return;
            }

            var body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Merchant</title></head><body><h1>Thank you, merchant here</h1></body></html>");
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(body, stop.Token);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The gateway gave up waiting, or the site is shutting down.
        }
    }
}
