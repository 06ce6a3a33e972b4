using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.Api;
using OneClick.Web.Features.Postbacks;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>
/// Where a postback may go once its host name is resolved (server-side request forgery), and what
/// of the merchant's answer is kept.
/// </summary>
public sealed class PostbackDestinationTests : IDisposable
{
    private const int OtherShopId = 70001;
    private const string OtherKey = "OtherShopKey0123456789abcdefXYZ";
    private const string InternalHost = "internal.test";

    private readonly EchoSite site = new();
    private readonly GatewayFactory gateway = new();

    public PostbackDestinationTests()
    {
        // internal.test (and merchant.test, a shop's allowed host) resolve to loopback, as a merchant's
        // name pointed at our network would.
        gateway
            .WithServices(services => services.Replace(ServiceDescriptor.Singleton<HostResolver>(new FixedResolver(IPAddress.Loopback, InternalHost, GatewayFactory.MerchantHost))));
    }

    public void Dispose()
    {
        gateway.Dispose();
        site.Dispose();
    }

    [Fact]
    public async Task Postback_to_a_name_resolving_inside_our_network_is_refused_before_connecting()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, $"http://{InternalHost}:{site.Port}/postback");

        await BuyAtOtherShopAsync();

        var attempt = await FirstAttemptAsync();
        attempt.Error.ShouldBe($"Refused: {InternalHost} resolves only to private, loopback or link-local addresses");
        attempt.Acknowledged.ShouldBeFalse();
        site.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Postback_to_a_name_the_operator_allowed_inside_is_delivered()
    {
        gateway.Set("OneClick:Postbacks:PrivateHosts:0", $"{InternalHost}:{site.Port}");
        await gateway.AddShopAsync(OtherShopId, OtherKey, $"http://{InternalHost}:{site.Port}/postback");

        await BuyAtOtherShopAsync();

        var attempt = await FirstAttemptAsync();
        attempt.Error.ShouldBeNull();
        attempt.StatusCode.ShouldBe(200);
        site.Connections.ShouldBe(1);
    }

    [Fact]
    public async Task Postback_to_an_allowed_inside_host_on_another_port_is_refused()
    {
        // The operator allowed the merchant's web port only, not whatever else listens on that host.
        gateway.Set("OneClick:Postbacks:PrivateHosts:0", $"{InternalHost}:{site.Port + 1}");
        await gateway.AddShopAsync(OtherShopId, OtherKey, $"http://{InternalHost}:{site.Port}/postback");

        await BuyAtOtherShopAsync();

        (await FirstAttemptAsync()).Error.ShouldStartWith($"Refused: {InternalHost} resolves only to");
        site.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Postback_to_an_inside_address_literal_on_another_port_than_the_operators_is_refused_before_connecting()
    {
        // The operator's postback origin is on 127.0.0.1; a URL stored for another shop (or an order)
        // names 127.0.0.1 at another port, where another service listens.
        gateway.Set("OneClick:Seed:PostbackUrl", $"http://127.0.0.1:{site.Port + 1}/postback");
        await gateway.AddShopAsync(OtherShopId, OtherKey, $"http://127.0.0.1:{site.Port}/postback");

        await BuyAtOtherShopAsync();

        var attempt = await FirstAttemptAsync();
        attempt.Error.ShouldBe("Refused: 127.0.0.1 is a private, loopback or link-local address");
        attempt.ResponseExcerpt.ShouldBeNull();
        site.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Postback_to_the_operators_inside_origin_in_another_scheme_is_refused_before_connecting()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", $"http://127.0.0.1:{site.Port}/postback");
        await gateway.AddShopAsync(OtherShopId, OtherKey, $"https://127.0.0.1:{site.Port}/postback");

        await BuyAtOtherShopAsync();

        (await FirstAttemptAsync()).Error.ShouldBe("Refused: 127.0.0.1 is a private, loopback or link-local address");
        site.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Postback_to_localhost_is_refused_when_the_operator_did_not_name_its_origin()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, $"http://localhost:{site.Port}/postback");

        await BuyAtOtherShopAsync();

        (await FirstAttemptAsync()).Error.ShouldBe("Refused: localhost resolves only to private, loopback or link-local addresses");
        site.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Postback_to_a_name_resolving_to_the_operators_inside_address_on_another_port_is_refused()
    {
        // The operator's origin is 127.0.0.1 at one port; a name that resolves to 127.0.0.1 reaches another.
        gateway.Set("OneClick:Seed:PostbackUrl", $"http://127.0.0.1:{site.Port + 1}/postback");
        await gateway.AddShopAsync(OtherShopId, OtherKey, $"http://{InternalHost}:{site.Port}/postback");

        await BuyAtOtherShopAsync();

        (await FirstAttemptAsync()).Error.ShouldBe($"Refused: {InternalHost} resolves only to private, loopback or link-local addresses");
        site.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Notification_url_by_a_name_resolving_inside_is_refused_before_connecting()
    {
        // Saved, as its name is on the shop's allowed hosts; judged where it leads when the socket opens.
        var api = MerchantApi.Of(gateway);
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", notificationUrl: $"http://{GatewayFactory.MerchantHost}:{site.Port}/hook"));
        var buyer = Buyer.Of(gateway);

        (await buyer.PayAsync(await buyer.GetAsync(created.Path))).Heading.ShouldBe("Payment approved");

        (await FirstAttemptAsync()).Error.ShouldBe($"Refused: {GatewayFactory.MerchantHost} resolves only to private, loopback or link-local addresses");
        site.Connections.ShouldBe(0);
    }

    [Fact]
    public async Task Postback_to_the_operators_own_inside_origin_is_delivered()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", $"http://127.0.0.1:{site.Port}/postback");
        var buyer = Buyer.Of(gateway);

        (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()))).Heading.ShouldBe("Payment approved");

        var attempt = await FirstAttemptAsync();
        attempt.Error.ShouldBeNull();
        attempt.StatusCode.ShouldBe(200);
        site.Connections.ShouldBe(1);
    }

    [Fact]
    public async Task Merchant_answer_echoing_the_oneClickToken_is_kept_without_it()
    {
        // The seeded shop's postback host is the operator's own, so it may resolve inside.
        gateway.Set("OneClick:Seed:PostbackUrl", $"http://{InternalHost}:{site.Port}/postback")
            .Set("OneClick:Seed:OneClickEnabled", "true");
        var buyer = Buyer.Of(gateway);
        var paid = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), remember: true);
        var token = Merchant.VerifiedQuery(paid.RefreshTarget!)["oneClickToken"];

        var attempt = await FirstAttemptAsync();
        site.Requests.Single().ShouldContain(token);
        attempt.ResponseExcerpt.ShouldNotBeNull();
        attempt.ResponseExcerpt.ShouldContain("oneClickToken=[oneClickToken]");
        attempt.ResponseExcerpt.ShouldNotContain(token);
    }

    [Fact]
    public void WithoutToken_takes_out_the_token_raw_and_percent_encoded()
    {
        PostbackSender.WithoutToken("a=tok/en+1&b=tok%2Fen%2B1&c=TOK%2fEN%2b1", "tok/en+1")
            .ShouldBe("a=[oneClickToken]&b=[oneClickToken]&c=[oneClickToken]");
        PostbackSender.WithoutToken("OK", null).ShouldBe("OK");
    }

    private async Task BuyAtOtherShopAsync()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(shopId: OtherShopId), OtherKey));
        page.Heading.ShouldBe("Payment approved");
    }

    private async Task<PostbackAttempt> FirstAttemptAsync()
    {
        await GatewayFactory.EventuallyAsync(
            () => gateway.WithDbAsync(db => db.PostbackAttempts.AnyAsync()), "the first postback attempt is recorded");
        return await gateway.WithDbAsync(db => db.PostbackAttempts.AsNoTracking().FirstAsync());
    }

    private sealed class FixedResolver(IPAddress address, params string[] hosts) : HostResolver
    {
        public override Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken) =>
            hosts.Contains(name, StringComparer.OrdinalIgnoreCase) ? Task.FromResult(new[] { address }) : base.ResolveAsync(name, cancellationToken);
    }

    /// <summary>A bare HTTP server that counts connections and answers with the request line it got.</summary>
    private sealed class EchoSite : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private int connections;

        public EchoSite()
        {
            listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref connections);

        public ConcurrentQueue<string> Requests { get; } = new();

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref connections);
                    await using var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                    var requestLine = await reader.ReadLineAsync(stop.Token) ?? "";
                    while (!string.IsNullOrEmpty(await reader.ReadLineAsync(stop.Token)))
                    {
                    }

                    Requests.Enqueue(requestLine);
                    var body = Encoding.UTF8.GetBytes("You sent: " + requestLine);
                    var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head, stop.Token);
                    await stream.WriteAsync(body, stop.Token);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
