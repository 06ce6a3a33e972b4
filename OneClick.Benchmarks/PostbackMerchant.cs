using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using OneClick.Core.Postbacks;

namespace OneClick.Benchmarks;

/// <summary>
/// The merchant's server, as small as it gets: <c>/postback</c> checks the signatures as a merchant
/// must (the header and the query's own), answers <c>OK</c> and notes each distinct saleID with the
/// time it first arrived; a postback that does not verify is answered 403 and counts for nothing.
/// <c>/ok</c> (the success URL) answers a page.
/// </summary>
public sealed class PostbackMerchant : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, long> firstArrival = new(StringComparer.Ordinal);
    private long postbacks;
    private long unverified;

    private PostbackMerchant(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>Every postback request, repeats included.</summary>
    public long Postbacks => Interlocked.Read(ref postbacks);

    public int DistinctSales => firstArrival.Count;

    /// <summary>Postbacks whose signature header or query signature did not verify.</summary>
    public long Unverified => Interlocked.Read(ref unverified);

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
            var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
            var header = context.Request.Headers[PostbackSignature.HeaderName].ToString();
            if (!MerchantSignatures.PostbackVerifies(header, context.Request.QueryString.Value ?? "", query, TimeProvider.System.GetUtcNow()))
            {
                Interlocked.Increment(ref unverified);
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return context.Response.WriteAsync("signature does not verify");
            }

            if (query.TryGetValue("saleID", out var saleId) && saleId.Length > 0)
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
