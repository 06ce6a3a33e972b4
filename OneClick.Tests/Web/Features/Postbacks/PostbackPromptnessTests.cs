using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>The commit wakes the dispatcher: the postback does not wait for the scheduled sweep.</summary>
public sealed class PostbackPromptnessTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public PostbackPromptnessTests() =>
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Postbacks:SweepInterval", "01:00:00"); // no sweep would come for an hour

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Postback_goes_out_on_commit_without_waiting_for_the_sweep()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));
        page.Heading.ShouldBe("Payment approved");

        // A generous bound for a slow machine, far below the hour the sweep would take.
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!merchant.Postbacks.IsEmpty), "the postback was sent on commit", TimeSpan.FromSeconds(10));
    }
}
