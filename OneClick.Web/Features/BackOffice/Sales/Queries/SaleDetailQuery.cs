using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Refunds.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Sales.Queries;

/// <summary>Something that happened to a sale, for its page; <see cref="By"/> says who or what did it.</summary>
public sealed record SaleEvent(DateTime At, string What, string? Detail, string By);

public sealed record PostbackAttemptView(DateTime StartedAt, int? StatusCode, int DurationMs, bool Acknowledged, string? ResponseExcerpt, string? Error);

/// <summary>A postback of the sale; <see cref="Endpoint"/> is the URL without its query, which can hold a oneClickToken.</summary>
public sealed record PostbackDeliveryView(long Id, PostbackKind Kind, PostbackState State, string Endpoint, int Attempts, DateTime CreatedAt, DateTime NextAttemptAt, DateTime? CompletedAt, IReadOnlyList<PostbackAttemptView> AttemptList);

/// <summary>A oneClickToken as staff may see it: its life, never its value, hash or seed.</summary>
public sealed record TokenView(long Id, bool IssuedBySale, bool UsedBySale, OneClickTokenState State, DateTime IssuedAt, DateTime ExpiresAt, DateTime? UsedAt, string Card);

public sealed record RefundView(long Id, DateTime CreatedAt, decimal Amount, string Currency, string Reason, RefundState State, string? FailureReason, string By);

public sealed record SaleDetail(
    Sale Sale,
    Order Order,
    string ShopName,
    int MerchantId,
    IReadOnlyList<SaleEvent> Events,
    IReadOnlyList<RefundView> Refunds,
    IReadOnlyList<PostbackDeliveryView> Postbacks,
    IReadOnlyList<TokenView> Tokens,
    long? ContractCustomerId);

/// <summary>
/// A sale's page: the sale of this person's shops with its order, events, refunds, postbacks and
/// tokens; null for another merchant's sale exactly as for one that does not exist.
/// </summary>
public sealed class SaleDetailQuery(OneClickDbContext db, CurrentStaff staff, TimeProvider clock)
{
    /// <summary>How long before its sale an instant payment's token is spent, at most.</summary>
    private static readonly TimeSpan SpentBeforeSale = TimeSpan.FromMinutes(1);

    /// <summary>A sale of this person's shops with all it is shown with; null for any other id.</summary>
    public async Task<SaleDetail?> RunAsync(long saleId, CancellationToken cancellationToken)
    {
        var shopIds = await staff.ShopIdsAsync();
        var found = await (
                from s in db.Sales.AsNoTracking()
                where s.Id == saleId && shopIds.Contains(s.ShopId)
                join o in db.Orders.AsNoTracking() on s.OrderId equals o.Id
                join shop in db.Shops.AsNoTracking() on s.ShopId equals shop.Id
                select new { Sale = s, Order = o, ShopName = shop.Name, shop.MerchantId })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        var refunds = await RefundsAsync(found.Sale, cancellationToken);
        // The customer whose contract the order creates or charges (none when a first payment failed):
        // in the union of the sale's shop, so on a customer page this person may open.
        var contractId = found.Order.ContractId;
        var contractCustomerId = contractId is null ? null : await db.Contracts.AsNoTracking()
            .Where(c => c.ShopId == found.Sale.ShopId && c.ContractId == contractId)
            .Select(c => (long?)c.CustomerId)
            .SingleOrDefaultAsync(cancellationToken);
        return new SaleDetail(
            found.Sale,
            found.Order,
            found.ShopName,
            found.MerchantId,
            Events(found.Sale, found.Order, refunds),
            refunds,
            await PostbacksAsync(saleId, cancellationToken),
            await TokensAsync(found.Sale, cancellationToken),
            contractCustomerId);
    }

    private async Task<List<RefundView>> RefundsAsync(Sale sale, CancellationToken cancellationToken)
    {
        var refunds = await db.Refunds.AsNoTracking().Where(r => r.SaleId == sale.Id).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var subject = RefundSale.Subject(sale.Id);
        var recorded = await db.AuditEntries.AsNoTracking()
            .Where(a => a.Action == RefundSale.Action && a.Subject == subject)
            .OrderBy(a => a.Id)
            .Select(a => new { a.At, a.UserEmail, a.After })
            .ToListAsync(cancellationToken);

        // A refund and its audit entry are saved together; they are paired by amount and time.
        var authors = recorded.Select(a => (a.At, a.UserEmail, Amount: AmountOf(a.After))).ToList();
        var views = new List<RefundView>();
        foreach (var refund in refunds)
        {
            var by = refund.Automatic ? "Gateway (automatic)" : "Staff";
            if (!refund.Automatic)
            {
                var match = authors
                    .Where(a => a.Amount == refund.Amount && (a.At - refund.CreatedAt).Duration() < TimeSpan.FromMinutes(1))
                    .OrderBy(a => (a.At - refund.CreatedAt).Duration())
                    .Select(a => (int?)authors.IndexOf(a))
                    .FirstOrDefault();
                if (match is { } index)
                {
                    by = authors[index].UserEmail;
                    authors.RemoveAt(index);
                }
            }

            views.Add(new RefundView(refund.Id, refund.CreatedAt, refund.Amount, refund.Currency, refund.Reason, refund.State, refund.FailureReason, by));
        }

        return views;
    }

    private static decimal? AmountOf(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("amount", out var amount) && amount.TryGetDecimal(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<SaleEvent> Events(Sale sale, Order order, IReadOnlyList<RefundView> refunds)
    {
        var events = new List<SaleEvent>
        {
            new(order.CreatedAt, "Order started", $"{SaleWords.Money(order.Amount, order.Currency)}: {order.Description}", $"Merchant ({SaleWords.Channel(order.Channel)})"),
            new(sale.CreatedAt, "Sale created", $"{SaleWords.Card(sale.Brand, sale.TruncatedPan)}, one-click: {SaleWords.OneClick(sale.OneClickPayment, sale.InstantOneClick)}", sale.InstantOneClick ? "Buyer (oneClickToken)" : "Buyer"),
        };
        if (sale.ThreeDSecureChallenged)
        {
            // The challenge is asked as the sale starts; the sale keeps no separate time for it.
            events.Add(new(sale.CreatedAt, "3-D Secure challenged", "The card's bank asked the buyer to authenticate.", "Card's bank"));
        }

        if (sale.CompletedAt is { } completed)
        {
            var by = sale.DeclineReason == DeclineReason.TurnoverLimitReached ? "Gateway" : "Acquirer";
            events.Add(sale.Result switch
            {
                SaleResult.Declined => new(completed, "Declined", sale.DeclineReason?.ForStaff(), by),
                SaleResult.Error => new(completed, "Error", sale.DeclineReason?.ForStaff() ?? "The acquirer did not answer.", by),
                _ => new(completed, "Approved", sale.TransactionId is null ? null : $"transactionID {sale.TransactionId}", by),
            });
        }

        foreach (var refund in refunds)
        {
            var state = refund.State switch
            {
                RefundState.Requested => "requested, waiting for the acquirer",
                RefundState.Completed => "completed",
                _ => $"failed: {refund.FailureReason}",
            };
            events.Add(new(refund.CreatedAt, $"Refund of {SaleWords.Money(refund.Amount, refund.Currency)}", $"{refund.Reason} ({state})", refund.By));
        }

        return events.OrderBy(e => e.At).ToList();
    }

    private async Task<List<PostbackDeliveryView>> PostbacksAsync(long saleId, CancellationToken cancellationToken)
    {
        var deliveries = await db.PostbackDeliveries.AsNoTracking().Where(d => d.SaleId == saleId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.PostbackAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);
        return deliveries.Select(d => new PostbackDeliveryView(
                d.Id, d.Kind, d.State, Endpoint(d.Url), d.Attempts, d.CreatedAt, d.NextAttemptAt, d.CompletedAt,
                attempts[d.Id].Select(a => new PostbackAttemptView(a.StartedAt, a.StatusCode, a.DurationMs, a.Acknowledged, a.ResponseExcerpt, a.Error)).ToList()))
            .ToList();
    }

    /// <summary>The postback URL without its query: the signed fields can carry the buyer's oneClickToken.</summary>
    private static string Endpoint(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "(not a valid URL)";

    private async Task<List<TokenView>> TokensAsync(Sale sale, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var saleId = sale.Id;

        // The token an instant sale spent: UsedBySaleId where the checkout sets it, else the token of
        // the sale's card spent just before the sale was created (it is spent, then the sale starts).
        long? spentId = null;
        if (sale is { InstantOneClick: true, SavedCardId: { } cardId })
        {
            var earliest = sale.CreatedAt - SpentBeforeSale;
            var created = sale.CreatedAt;
            spentId = await db.OneClickTokens.AsNoTracking()
                .Where(t => t.UsedBySaleId == saleId || (t.UsedBySaleId == null && t.SavedCardId == cardId && t.ShopId == sale.ShopId && t.UsedAt >= earliest && t.UsedAt <= created))
                .OrderByDescending(t => t.UsedAt)
                .Select(t => (long?)t.Id)
                .FirstOrDefaultAsync(cancellationToken);
        }

        // Only these columns are read: the token's hash and seed never leave the database here.
        var tokens = await (
                from t in db.OneClickTokens.AsNoTracking()
                where t.IssuedBySaleId == saleId || t.UsedBySaleId == saleId || t.Id == spentId
                join c in db.SavedCards.AsNoTracking() on t.SavedCardId equals c.Id
                orderby t.Id
                select new { t.Id, t.IssuedBySaleId, t.UsedBySaleId, t.State, t.IssuedAt, t.ExpiresAt, t.UsedAt, c.Brand, c.LastFour })
            .ToListAsync(cancellationToken);
        return tokens.Select(t => new TokenView(
                t.Id,
                t.IssuedBySaleId == saleId,
                t.UsedBySaleId == saleId || t.Id == spentId,
                t.State == OneClickTokenState.Active && now >= t.ExpiresAt ? OneClickTokenState.Expired : t.State,
                t.IssuedAt,
                t.ExpiresAt,
                t.UsedAt,
                $"{t.Brand.DisplayName()} •••• {t.LastFour}"))
            .ToList();
    }
}
