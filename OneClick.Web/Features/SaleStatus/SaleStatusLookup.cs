using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Signatures;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.SaleStatus;

/// <summary>Answers a salestatus request: checks it as strictly as startorder, then finds the shop's sale.</summary>
public sealed class SaleStatusLookup(OneClickDbContext db, ShopSnapshots shops, OneClickTokens tokens, ShopRateLimits shopLimits, ILogger<SaleStatusLookup> logger)
{
    public async Task<SaleStatusAnswer> AnswerAsync(IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var envelope = SaleStatusParser.ReadEnvelope(parameters);
        if (envelope.Errors.Count > 0)
        {
            return Refuse(envelope.Errors);
        }

        var shop = envelope.ShopId is int shopId ? await shops.FindAsync(db, shopId, cancellationToken) : null;
        if (shop is null || !shop.IsActive)
        {
            return Refuse([new("shopID", $"{envelope.ShopId} is not an active shop. Check the shop id in the back-office.")]);
        }

        if (!FlexPaySignature.VerifyRequest(envelope.Signature, shop.ActiveKeys, envelope.Values, SaleStatusParser.Names, shop.AcceptLegacySha1))
        {
            logger.LogWarning("salestatus for shop {ShopId} refused: the signature does not match", shop.Id);
            return SaleStatusAnswer.BadSignature;
        }

        if (envelope.Misspelt.Count > 0)
        {
            logger.LogWarning("salestatus for shop {ShopId}: parameters named like {Names} in other letters were ignored (names are case-sensitive)", shop.Id, envelope.Misspelt);
        }

        if (shopLimits.StartOrder(shop.Id) is { } overShopLimit)
        {
            logger.LogWarning("salestatus for shop {ShopId} refused: over the shop's rate limit", shop.Id);
            return SaleStatusAnswer.TooManyRequests(overShopLimit);
        }

        var (request, errors) = SaleStatusParser.Validate(envelope);
        if (request is null)
        {
            return Refuse(errors);
        }

        var found = request.SaleId is { } saleId
            ? await FindBySaleIdAsync(request.ShopId, saleId, cancellationToken)
            : await FindByReferenceAsync(request.ShopId, request.ReferenceId!, cancellationToken);
        if (found is not { } f)
        {
            return SaleStatusAnswer.NotFound;
        }

        // The latest active token of the sale's card, so that a merchant can recover it after a decline.
        var token = f.Sale.SavedCardId is { } card ? await tokens.LatestActiveForCardAsync(card, f.Sale.ShopId, cancellationToken) : null;
        return SaleStatusAnswer.Found(f.Order, f.Sale, token);
    }

    /// <summary>The sale, if it is this shop's: another shop's sale is as unknown as no sale at all.</summary>
    private async Task<(Order Order, Sale Sale)?> FindBySaleIdAsync(int shopId, long saleId, CancellationToken cancellationToken)
    {
        var sale = await db.Sales.AsNoTracking().SingleOrDefaultAsync(s => s.Id == saleId && s.ShopId == shopId, cancellationToken);
        if (sale is null)
        {
            return null;
        }

        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == sale.OrderId, cancellationToken);
        return (order, sale);
    }

    /// <summary>
    /// The order's sale that tells its outcome: the approved (or since refunded) one, else the latest
    /// attempt that reached an answer or is under way. Acquirer errors charged nothing and are skipped.
    /// </summary>
    private async Task<(Order Order, Sale Sale)?> FindByReferenceAsync(int shopId, string referenceId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.ShopId == shopId && o.ReferenceId == referenceId, cancellationToken);
        if (order is null)
        {
            return null;
        }

        // An order takes a handful of attempts at most (Order.MaxDeclinedAttempts), so all of them are read.
        var sales = await db.Sales.AsNoTracking()
            .Where(s => s.OrderId == order.Id && s.Result != SaleResult.Error)
            .ToListAsync(cancellationToken);
        var sale = sales
            .OrderByDescending(s => s.Result is SaleResult.Approved or SaleResult.Refunded)
            .ThenByDescending(s => s.CreatedAt)
            .ThenByDescending(s => s.Id)
            .FirstOrDefault();
        return sale is null ? null : (order, sale);
    }

    private SaleStatusAnswer Refuse(IReadOnlyList<ParameterError> errors)
    {
        logger.LogInformation("salestatus refused: {Parameters}", string.Join(", ", errors.Select(e => e.Parameter)));
        // One line: each rule is a sentence naming its parameter.
        return SaleStatusAnswer.Error(StatusCodes.Status400BadRequest, string.Join(" ", errors.Select(e => $"{e.Parameter} {e.Message}")));
    }
}
