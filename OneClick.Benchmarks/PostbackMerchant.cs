using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OneClick.Benchmarks;

/// <summary>
/// The merchant's server, as small as it gets: <c>/postback</c> answers <c>OK</c> and notes each
/// distinct saleID with the time it first arrived; <c>/ok</c> (the success URL) answers a page.
/// No signature check: what is measured is the gateway delivering, not the merchant verifying.
/// </summary>
public sealed class PostbackMerchant : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, long> firstArrival = new(StringComparer.Ordinal);
    private long postbacks;

    private PostbackMerchant(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>Every postback request, repeats included.</summary>
    public long Postbacks => Interlocked.Read(ref postbacks);

    public int DistinctSales => firstArrival.Count;

    public bool Received(string saleId) => firstArrival.ContainsKey(saleId);

    /// <summary>The <see cref="Stopwatch.GetTimestamp"/> of the first postback for this sale.</summary>
    public long? ArrivedAt(string saleId) => firstArrival.TryGetValue(saleId, out var at) ? at : null;

    public static async Task<PostbackMerchant> StartAsync()
    {
        // An empty builder: no configuration files (the gateway's appsettings.json sits next to this
        // program), no logging, only Kestrel on loopback with a port of its choosing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var merchant = new PostbackMerchant(app);
        app.Run(merchant.HandleAsync);
        await app.StartAsync();
        merchant.BaseAddress = new Uri(app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return merchant;
    }

    private Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (context.Request.Path == "/postback")
        {
            Interlocked.Increment(ref postbacks);
            if (context.Request.Query["saleID"].ToString() is { Length: > 0 } saleId)
            {
                firstArrival.TryAdd(saleId, Stopwatch.GetTimestamp());
            }

            return context.Response.WriteAsync("OK");
        }

        return context.Response.WriteAsync("Thank you for your purchase.");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
