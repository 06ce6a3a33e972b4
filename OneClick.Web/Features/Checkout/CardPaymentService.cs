using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Postbacks;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout;

/// <summary>
/// Charges a card for an order. The order is taken for the attempt (a concurrency-checked state
/// change) and the sale recorded before the acquirer is called, so that two submissions of the same
/// form cannot both charge, and a crash leaves a pending sale to reconcile rather than a lost one.
/// </summary>
public sealed class CardPaymentService(
    OneClickDbContext db,
    IAcquirer acquirer,
    OutboxSignal outbox,
    BrowserWallets wallets,
    OneClickTokens tokens,
    CardVault vault,
    TimeProvider clock,
    ILogger<CardPaymentService> logger)
{
    /// <summary>Full card entry; with <paramref name="rememberIn"/> (a browser) the card is saved for One Click once approved.</summary>
    public async Task<PaymentOutcome> PayAsync(string orderId, CardNumber card, CardExpiry expiry, Cvc cvc, string cardholderName, string? rememberIn, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        SavedCard? saved = null;
        if (rememberIn is not null && order.PaymentMethod == PaymentMethod.CC
            && await db.Shops.AnyAsync(s => s.Id == order.ShopId && s.OneClickEnabled, cancellationToken))
        {
            var wallet = await wallets.FindAsync(order.ShopId, rememberIn, cancellationToken);
            if (wallet is null)
            {
                wallet = new Wallet(order.ShopId, rememberIn, Now);
                db.Wallets.Add(wallet);
            }

            saved = wallet.Remember(card, expiry, cardholderName, vault.Encrypt(card), vault.Fingerprint(card), Now);
        }

        return await ChargeAsync(order, new AuthorizationRequest(card, expiry, cvc, cardholderName, order.Price, order.Id), saved, instant: false, cancellationToken);
    }

    /// <summary>
    /// A saved card of this browser's wallet: with its CVC on the order page, or with no input at all
    /// for an instant one-click startorder whose token was just spent.
    /// </summary>
    public async Task<PaymentOutcome> PaySavedCardAsync(string orderId, long savedCardId, Cvc? cvc, string? browserIdHash, bool instant, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        var card = await db.SavedCards.Include(c => c.Wallet).SingleOrDefaultAsync(c => c.Id == savedCardId, cancellationToken);
        if (card is null || card.DeletedAt is not null || !card.Confirmed
            || card.Wallet.ShopId != order.ShopId || card.Wallet.BrowserIdHash != browserIdHash)
        {
            return new PaymentOutcome.CardUnavailable();
        }

        var number = vault.Decrypt(card.Pan);
        var request = new AuthorizationRequest(number, card.Expiry, cvc, card.HolderName, order.Price, order.Id, StoredCredential: true);
        return await ChargeAsync(order, request, card, instant, cancellationToken);
    }

    private async Task<PaymentOutcome> ChargeAsync(Order order, AuthorizationRequest request, SavedCard? saved, bool instant, CancellationToken cancellationToken)
    {
        if (order.State != OrderState.Open)
        {
            return new PaymentOutcome.NotPayable(order.State);
        }

        var sale = new Sale(order, request.Card, Now);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            order.StartPayment(Now);
            db.Sales.Add(sale);
            await db.SaveChangesAsync(cancellationToken);
            if (saved is not null)
            {
                sale.UseSavedCard(saved.Id, instant);
            }

            order.AttachSale(sale);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Order {OrderId}: a second payment attempt was refused while one is in progress", order.Id);
            return new PaymentOutcome.NotPayable(OrderState.Processing);
        }

        logger.LogInformation("Order {OrderId}: sale {SaleId} sent to the acquirer for {Card}{Kind}", order.Id, sale.Id, request.Card.Truncated, instant ? " (instant one-click)" : saved is null ? "" : " (saved card)");
        AuthorizationResult result;
        try
        {
            result = await acquirer.AuthorizeAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, nothing was charged that we know of: the sale records the failure and
            // the order opens again, rather than staying "in progress" for ever. Only the exception's
            // type is logged: an acquirer's message is not ours to trust with card data.
            logger.LogWarning("Order {OrderId}: the acquirer failed ({Error})", order.Id, ex.GetType().Name);
            result = new AuthorizationResult.Unavailable(ex.GetType().Name);
        }

        return await ApplyAsync(order, sale, result, CancellationToken.None);
    }

    public async Task<PaymentOutcome> CompleteAuthenticationAsync(string orderId, bool authenticated, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        if (order.State != OrderState.AwaitingAuthentication || order.CurrentSaleId is not { } saleId)
        {
            return new PaymentOutcome.NotPayable(order.State);
        }

        var sale = await db.Sales.SingleAsync(s => s.Id == saleId, cancellationToken);
        try
        {
            // One answer counts: the order is taken before the acquirer hears it.
            order.StartAuthenticationAnswer(Now);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new PaymentOutcome.NotPayable(OrderState.Processing);
        }

        AuthorizationResult result;
        try
        {
            result = await acquirer.CompleteAuthenticationAsync(sale.TransactionId!, authenticated, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Order {OrderId}: the acquirer failed to complete 3-D Secure ({Error})", order.Id, ex.GetType().Name);
            result = new AuthorizationResult.Unavailable(ex.GetType().Name);
        }

        return await ApplyAsync(order, sale, result, CancellationToken.None);
    }

    private async Task<PaymentOutcome> ApplyAsync(Order order, Sale sale, AuthorizationResult result, CancellationToken cancellationToken)
    {
        PaymentOutcome outcome;
        switch (result)
        {
            case AuthorizationResult.Approved approved:
                sale.Approve(approved.TransactionId, Now);
                order.Approve(Now);
                await RememberAsync(order, sale, cancellationToken);
                await WriteToOutboxAsync(order, sale, cancellationToken);
                outcome = new PaymentOutcome.Approved(sale.Id);
                break;
            case AuthorizationResult.Declined declined:
                if (sale.SavedCardId is { } declinedCard)
                {
                    // Rule 6: a declined payment with a saved card sets it back to unconfirmed; its
                    // tokens end with it (revoked after the commit below).
                    var card = await db.SavedCards.SingleAsync(c => c.Id == declinedCard, cancellationToken);
                    await db.Entry(card).ReloadAsync(cancellationToken);
                    card.PaymentDeclined(Now, await OtherPaymentsPendingAsync(card.Id, sale.Id, cancellationToken));
                }

                var close = await HasDeclineUrlAsync(order, cancellationToken)
                    || await DeclinedAttemptsAsync(order, cancellationToken) + 1 >= Order.MaxDeclinedAttempts;
                sale.Decline(declined.TransactionId, declined.Reason, Now);
                order.Decline(close, Now);
                outcome = new PaymentOutcome.Declined(sale.Id, declined.Reason, close);
                break;
            case AuthorizationResult.ChallengeRequired challenge:
                sale.AwaitAuthentication(challenge.TransactionId, Now);
                order.RequireAuthentication(Now);
                outcome = new PaymentOutcome.ChallengeRequired();
                break;
            default:
                if (sale.SavedCardId is { } failedCard && await db.SavedCards.SingleAsync(c => c.Id == failedCard, cancellationToken) is { SuccessfulPayments: 0 } neverPaid
                    && !await OtherPaymentsPendingAsync(failedCard, sale.Id, cancellationToken))
                {
                    // A card remembered for a payment that never happened is not kept.
                    neverPaid.Delete(Now);
                }

                sale.Fail(Now);
                order.Reopen(Now);
                outcome = new PaymentOutcome.Unavailable();
                break;
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Order {OrderId}: sale {SaleId} is {Result} {Reason}", order.Id, sale.Id, sale.Result, sale.DeclineReason);
        if (sale.SavedCardId is { } usedCard && sale.Result is SaleResult.Approved or SaleResult.Declined)
        {
            // One live token per card: the one this approval issued, or none after a decline.
            await tokens.RevokeForCardAsync(usedCard, exceptIssuedBySale: sale.Result == SaleResult.Approved ? sale.Id : null, cancellationToken);
        }

        if (outcome is PaymentOutcome.Approved)
        {
            outbox.Wake();
        }

        return outcome;
    }

    /// <summary>
    /// An approved sale with a saved card confirms the card and issues a fresh oneClickToken for it,
    /// bound to this shop and this browser, saved in the same transaction as the approval.
    /// </summary>
    private async Task RememberAsync(Order order, Sale sale, CancellationToken cancellationToken)
    {
        if (sale.SavedCardId is not { } cardId)
        {
            return;
        }

        var card = await db.SavedCards.Include(c => c.Wallet).SingleAsync(c => c.Id == cardId, cancellationToken);
        // The buyer may have deleted the card while the acquirer answered: read it afresh, and
        // never let the card stop the approval from being saved.
        await db.Entry(card).ReloadAsync(cancellationToken);
        if (card.PaymentSucceeded(Now))
        {
            tokens.Issue(order.ShopId, card, card.Wallet.BrowserIdHash, sale.Id);
        }
    }

    private Task<bool> OtherPaymentsPendingAsync(long cardId, long saleId, CancellationToken cancellationToken) =>
        db.Sales.AnyAsync(s => s.SavedCardId == cardId && s.Id != saleId && s.Result == SaleResult.Pending, cancellationToken);

    /// <summary>
    /// The merchant's postback and the buyer's receipt are saved with the approval, in one
    /// transaction: a crash after the commit cannot lose them, and none exists for a sale that was not saved.
    /// </summary>
    private async Task WriteToOutboxAsync(Order order, Sale sale, CancellationToken cancellationToken)
    {
        var shop = await db.Shops.AsNoTracking().SingleAsync(s => s.Id == order.ShopId, cancellationToken);
        if (PostbackOutbox.ForSale(shop, order, sale, Now) is { } postback)
        {
            db.PostbackDeliveries.Add(postback);
        }

        if (order.Email is not null)
        {
            db.OutboxEmails.Add(BuyerEmails.Receipt(order.Email, shop, order, sale, Now));
        }
    }

    private async Task<bool> HasDeclineUrlAsync(Order order, CancellationToken cancellationToken) =>
        order.DeclineUrl is not null
        || await db.Shops.Where(s => s.Id == order.ShopId).Select(s => s.DeclineUrl != null).SingleAsync(cancellationToken);

    private Task<int> DeclinedAttemptsAsync(Order order, CancellationToken cancellationToken) =>
        db.Sales.CountAsync(s => s.OrderId == order.Id && s.Result == SaleResult.Declined, cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}

public abstract record PaymentOutcome
{
    public sealed record Approved(long SaleId) : PaymentOutcome;

    public sealed record Declined(long SaleId, DeclineReason Reason, bool OrderClosed) : PaymentOutcome;

    public sealed record ChallengeRequired : PaymentOutcome;

    /// <summary>The acquirer could not be reached; nothing was charged.</summary>
    public sealed record Unavailable : PaymentOutcome;

    public sealed record NotPayable(OrderState State) : PaymentOutcome;

    public sealed record NotFound : PaymentOutcome;

    /// <summary>The saved card is gone, unconfirmed, or not this browser's.</summary>
    public sealed record CardUnavailable : PaymentOutcome;
}
