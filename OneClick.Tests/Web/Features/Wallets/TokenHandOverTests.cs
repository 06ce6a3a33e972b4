using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Features.Wallets;

/// <summary>docs/protocol.md section 4, rule 11: the approval page hands a sale's new token over once.</summary>
public sealed class TokenHandOverTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public TokenHandOverTests() => gateway.Set("OneClick:Seed:OneClickEnabled", "true");

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task HandOverAsync_20_openings_at_once_give_the_token_to_exactly_one()
    {
        var buyer = Buyer.Of(gateway);
        var paid = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), Buyer.Visa);
        var ok = Merchant.VerifiedQuery(paid.RefreshTarget!);
        var saleId = long.Parse(ok["saleID"], System.Globalization.CultureInfo.InvariantCulture);
        // As it was before the page was first shown.
        await gateway.WithDbAsync(db => db.OneClickTokens.Where(t => t.IssuedBySaleId == saleId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.HandedOverAt, (DateTime?)null)));

        // The gate is held while all 20 read the token: each finds it not handed over, and then
        // they write one after the other, so only the row's guard can stop the 19 that come after.
        var gate = gateway.Services.GetRequiredService<WriteGate>();
        await using var holderScope = gateway.Services.CreateAsyncScope();
        var holder = await gate.BeginAsync(holderScope.ServiceProvider.GetRequiredService<OneClickDbContext>(), CancellationToken.None);
        var openings = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await using var scope = gateway.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<OneClickTokens>().HandOverAsync(saleId, CancellationToken.None);
        })).ToList();
        while (gate.Queued < 21)
        {
            await Task.Yield(); // until all 20 have read and wait for their turn
        }

        await holder.CommitAsync(CancellationToken.None);
        await holder.DisposeAsync();
        var given = await Task.WhenAll(openings);

        given.Count(t => t is not null).ShouldBe(1);
        given.Single(t => t is not null).ShouldBe(ok["oneClickToken"]);
        (await gateway.WithDbAsync(db => db.OneClickTokens.Where(t => t.IssuedBySaleId == saleId).Select(t => t.HandedOverAt).SingleAsync())).ShouldNotBeNull();
    }
}
